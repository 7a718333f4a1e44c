import { isolatedNamespace, json, ServiceProcesses, startInProcess, type RunningService } from '@tripline/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';

const ADMIN_TOKEN = 'proxy-test-admin-token-0123456789';
const PREFIX = '/tripline';

/**
 * A reverse proxy that publishes the gateway under a base path, as a company's ingress does:
 * https://host/tripline/... reaches the gateway's /...; nothing outside the prefix is routed.
 */
async function prefixProxy(): Promise<{ server: Server; origin: string; target: { url: string } }> {
  const target = { url: '' };
  const server = createServer((req, res) => {
    if (!req.url?.startsWith(`${PREFIX}/`)) {
      res.writeHead(404).end('not routed');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      void fetch(`${target.url}${req.url!.slice(PREFIX.length)}`, { method: req.method, headers, body }).then(
        async (answer) => res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer())),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, target };
}

describe('unsubscribing through the Location, with the gateway behind a base path', () => {
  const namespace = isolatedNamespace('proxy');
  let registry: ServiceProcesses;
  let gateway: RunningService;
  let proxy: Awaited<ReturnType<typeof prefixProxy>>;

  beforeAll(async () => {
    proxy = await prefixProxy();
    registry = new ServiceProcesses(namespace, await ServiceProcesses.freePorts());
    await registry.start('registry');
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, {
      TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      TRIPLINE_PUBLIC_URL: `${proxy.origin}${PREFIX}`,
    });
    proxy.target.url = gateway.baseUrl;
  });
  afterAll(async () => {
    await gateway?.close();
    await registry?.stopAll();
    await new Promise((resolve) => proxy?.server.close(resolve));
  });

  it('answers the subscribe call with an absolute Location under the base path, and a DELETE of it ends the subscription', async () => {
    const publicUrl = `${proxy.origin}${PREFIX}`;
    const tenant = await json(
      await fetch(`${publicUrl}/v1/admin/tenants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ name: 'Behind a proxy' }),
      }),
    );
    const headers = { 'content-type': 'application/json', 'x-api-key': tenant.apiKey };
    const subscribed = await fetch(`${publicUrl}/v1/subscriptions/unification-completed`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ callbackUrl: 'http://127.0.0.1:9/flow' }),
    });
    expect(subscribed.status).toBe(201);
    const { id } = await json(subscribed);
    const location = subscribed.headers.get('location')!;
    expect(location).toBe(`${publicUrl}/v1/subscriptions/${id}`);

    // What the flow platform does when the flow is turned off: DELETE the Location, as given.
    const deleted = await fetch(location, { method: 'DELETE', headers });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${publicUrl}/v1/subscriptions/${id}`, { headers })).status).toBe(404);
  });
});
