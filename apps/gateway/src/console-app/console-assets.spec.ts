import { Controller, Get, type INestApplication, type Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetricsRegistry } from '@tripline/metrics';
import { httpMetrics } from '@tripline/service';
import { builtConsoleDir, CONSOLE_CSP, isConsolePage, serveConsole } from './console-assets';

@Controller()
class StandInApi {
  @Get('v1/ping')
  ping() {
    return { pong: true };
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [StandInApi] })
class StandInModule {}

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';
const quiet = { warn: jest.fn() } as unknown as Logger;

async function start(dir: string, metrics?: MetricsRegistry): Promise<{ app: INestApplication; url: string; served: boolean }> {
  const app = await NestFactory.create(StandInModule, { logger: false });
  if (metrics) app.use(httpMetrics(metrics)); // first, as every service installs it
  const served = serveConsole(app, dir, quiet);
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, served };
}

describe('the gateway serves the built console', () => {
  let dir: string;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tripline-console-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("console")');
    ({ app, url } = await start(dir));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/', '/setup', '/subscriptions/6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10/deliveries'])(
    'answers the page %s with index.html, under the strict CSP, revalidated each time',
    async (page) => {
      const res = await fetch(`${url}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    },
  );

  it('counts its pages and assets in the HTTP metrics under a route of their own, not with the 404s', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const counted = await start(dir, metrics);
    try {
      for (const path of ['/setup', '/events/evt-1', '/assets/index-Ab12Cd34.js', '/assets/gone-1234.js']) await (await fetch(`${counted.url}${path}`)).arrayBuffer();
      const text = await metrics.exposition();
      expect(text).toContain('http_requests_total{method="GET",route="console page",status="200"} 2');
      expect(text).toContain('http_requests_total{method="GET",route="/assets/*",status="200"} 1');
      expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    } finally {
      await counted.app.close();
    }
  });

  it('answers HEAD for a page without a body', async () => {
    const res = await fetch(`${url}/subscriptions`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('serves hashed assets as immutable, with the same security headers', async () => {
    const res = await fetch(`${url}/assets/index-Ab12Cd34.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never answers the API, the probes or a missing file with the page', async () => {
    expect(await (await fetch(`${url}/v1/ping`)).json()).toEqual({ pong: true });
    expect(await (await fetch(`${url}/health/live`)).json()).toEqual({ status: 'ok' });
    for (const missing of ['/v1/no-such-route', '/V1/no-such-route', '/v1', '/metrics', '/health/nope', '/favicon.ico', '/assets/gone-1234.js', '/assets']) {
      const res = await fetch(`${url}${missing}`);
      expect({ missing, status: res.status, type: res.headers.get('content-type') }).toEqual({ missing, status: 404, type: expect.stringMatching(/^application\/json/) });
    }
    const post = await fetch(`${url}/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('leaves the API alone when the console is not built, and says so', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'tripline-no-console-'));
    const bare = await start(empty);
    try {
      expect(bare.served).toBe(false);
      expect(quiet.warn).toHaveBeenCalledWith(expect.stringContaining('the console is not built'));
      expect((await fetch(`${bare.url}/`)).status).toBe(404);
      expect((await fetch(`${bare.url}/v1/ping`)).status).toBe(200);
    } finally {
      await bare.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('which requests are console pages', () => {
  it.each([
    ['GET', '/', true],
    ['HEAD', '/setup', true],
    ['GET', '/subscriptions/abc/deliveries', true],
    ['GET', '/v1', false],
    ['GET', '/v1/subscriptions', false],
    ['GET', '/V1/Subscriptions', false],
    ['GET', '/health/ready', false],
    ['GET', '/metrics', false],
    ['GET', '/assets/index-1.js', false],
    ['GET', '/robots.txt', false],
    ['GET', '/v1x', true],
    ['POST', '/', false],
    ['DELETE', '/setup', false],
  ])('%s %s: %s', (method, urlPath, page) => {
    expect(isConsolePage(method, urlPath)).toBe(page);
  });

  it('finds dist/console at the root of the checkout, from the sources and from dist/', () => {
    const root = path.resolve(__dirname, '../../../..');
    expect(builtConsoleDir(__dirname)).toBe(path.join(root, 'dist', 'console'));
    expect(builtConsoleDir(path.join(root, 'dist/apps/gateway/src/console-app'))).toBe(path.join(root, 'dist', 'console'));
  });
});
