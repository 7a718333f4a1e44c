import type { INestApplication, Type } from '@nestjs/common';
import { createService } from '@tripline/service';
import type { AddressInfo } from 'node:net';
import { serviceEnv } from './test-infra';

export interface RunningService {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Boots one service in the test process, exactly as main.ts does (real Kafka, real Postgres),
 * on a free port, and waits until it reports ready.
 */
export async function startInProcess<E>(
  name: string,
  namespace: string,
  loadEnv: (env: NodeJS.ProcessEnv) => E,
  moduleFor: (env: E) => Type<unknown>,
  overrides: Record<string, string> = {},
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<RunningService> {
  // PORT keeps its default for validation; the app listens on a free port instead.
  const env = loadEnv({ ...serviceEnv(namespace), ...overrides });
  const app = await createService({ name, module: moduleFor(env), port: 0, logLevel: 'error', logFormat: 'text', configure });
  try {
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await waitUntilReady(baseUrl);
    return { app, baseUrl, close: () => app.close() };
  } catch (error) {
    // A half-started service would keep its Kafka and Postgres connections open.
    await app.close().catch(() => undefined);
    throw error;
  }
}

export async function waitUntilReady(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.ok) return;
      last = await res.text();
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${baseUrl} not ready after ${timeoutMs} ms: ${last}`);
}
