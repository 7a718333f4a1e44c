// A stand-in for Power Automate in the README walkthrough: listens on a port and prints every
// callback it receives (the webhook headers and the JSON body). No dependencies.
//   node scripts/callback-receiver.mjs [port]      (default 4000)
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4000);
createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const webhook = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('webhook-')));
    let pretty = body;
    try {
      pretty = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // not JSON: print as received
    }
    console.log(`\n${new Date().toISOString()} ${req.method} ${req.url} ${JSON.stringify(webhook)}\n${pretty}`);
    res.writeHead(200).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`callback receiver listening on http://127.0.0.1:${port}`));
