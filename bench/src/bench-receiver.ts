import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The callback receiver of the benchmark: answers 200 at once and remembers, per message, when
 * it arrived. Messages carry their publish time (in the event id, or the body's `sentAt`), so
 * publish-to-receive latency is measured on one clock.
 */
export class BenchReceiver {
  private server?: Server;
  count = 0;
  latencies: number[] = [];
  /** Arrival time of each benchmark event's callback, by event id, for the per-hop breakdown. */
  arrivals = new Map<string, number>();
  firstAt = 0;
  lastAt = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const now = Date.now();
        res.writeHead(200).end();
        this.count++;
        if (!this.firstAt) this.firstAt = now;
        this.lastAt = now;
        const body = Buffer.concat(chunks).toString('utf8');
        const sentAt = sentAtOf(body);
        if (sentAt) this.latencies.push(now - sentAt);
        const eventId = /"eventId":"(bench-[^"]+)"/.exec(body)?.[1];
        if (eventId) this.arrivals.set(eventId, now);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  reset(): void {
    this.count = 0;
    this.latencies = [];
    this.arrivals.clear();
    this.firstAt = 0;
    this.lastAt = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** `bench-<ms>-<n>` event ids and `{"sentAt": ms}` bodies carry the publish time. */
function sentAtOf(body: string): number | null {
  const id = /"eventId":"bench-(\d+)-/.exec(body) ?? /"sentAt":(\d+)/.exec(body);
  return id ? Number(id[1]) : null;
}
