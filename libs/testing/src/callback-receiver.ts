import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  receivedAt: number;
}

/** The status to answer (with headers, if any); a promise makes the receiver hang until it settles. */
type Reply = number | { status: number; headers: Record<string, string>; body?: string };
type Responder = (callback: ReceivedCallback) => Reply | Promise<Reply>;

/** A local HTTP endpoint standing in for Power Automate: records every callback it gets. */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private server?: Server;
  private responder: Responder = () => 200;
  private waiters: Array<() => void> = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readCallback(req).then((callback) => {
        this.received.push(callback);
        for (const wake of this.waiters.splice(0)) wake();
        void Promise.resolve(this.responder(callback)).then((reply) => {
          const { status, headers, body: answer } = typeof reply === 'number' ? { status: reply, headers: {}, body: undefined } : reply;
          res.writeHead(status, headers).end(answer);
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** An absolute callback URL on this receiver. */
  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  at(path: string): ReceivedCallback[] {
    return this.received.filter((c) => c.path === path);
  }

  /** Resolves once `predicate` holds over what was received; fails with what was received. */
  async waitFor(predicate: (received: ReceivedCallback[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`callbacks not as expected after ${timeoutMs} ms; got: ${JSON.stringify(this.received.map((c) => [c.path, c.json]))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A callback request as tests look at it: path, headers, the raw body and its JSON (or null). */
export function readCallback(req: IncomingMessage): Promise<ReceivedCallback> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      resolve({ path: req.url ?? '/', headers: req.headers, body, json, receivedAt: Date.now() });
    });
  });
}
