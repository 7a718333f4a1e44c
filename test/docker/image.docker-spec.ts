import {
  CallbackReceiver,
  isolatedNamespace,
  json,
  refreshEvent,
  serviceEnv,
  ServiceProcesses,
  SERVICES,
  testInfra,
  type ServiceName,
} from '@tripline/testing';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { containerLog, docker } from './docker-cli';
import { builtImage } from './built-image';

const MAX_IMAGE_BYTES = 250 * 1000 * 1000; // 250 MB, as `docker images` counts
const ADMIN_TOKEN = 'image-test-admin-token-0123456789';
const READY_TIMEOUT_MS = 90_000;

/**
 * The image as a Docker user meets it: how big it is, what it holds, and whether migrate and the
 * five services started from it (host network, the run's broker and Postgres) deliver a signed
 * callback for a subscribed event.
 */
describe('the Docker image', () => {
  const { image } = builtImage();
  const run = (args: string[], timeoutMs?: number) => docker(['run', '--rm', '--network', 'host', ...args], { timeoutMs });

  it(`is at most ${MAX_IMAGE_BYTES / 1e6} MB`, async () => {
    const size = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', image]));
    process.stderr.write(`\n[image] ${image}: ${(size / 1e6).toFixed(1)} MB (base ${builtImage().base})\n`);
    expect(size).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
  });

  it('holds what the services run (the console\'s bundle too) and no build tools: no Prisma CLI or studio, no TypeScript, no tests', async () => {
    const listing = await run([image, 'sh', '-c', 'ls node_modules node_modules/@prisma dist dist/libs']);
    const entries = listing.split(/\s+/);
    for (const present of ['@nestjs', 'kafkajs', 'client', 'adapter-pg', 'apps', 'console', 'db']) expect(entries).toContain(present);
    for (const absent of ['prisma', 'typescript', 'studio-core', 'dev', 'jest', 'testing', 'bench']) expect(entries).not.toContain(absent);
  });

  it('runs as the unprivileged node user', async () => {
    expect(await run([image, 'id', '-un'])).toBe('node');
  });

  describe('started as the compose file starts it', () => {
    const namespace = isolatedNamespace('image');
    const containers: string[] = [];
    const receiver = new CallbackReceiver();
    let databaseUrl: string;
    let ports: Record<ServiceName, number>;
    const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;

    beforeAll(async () => {
      await receiver.start();
      databaseUrl = await emptyDatabase(testInfra().databaseUrl);
      ports = await ServiceProcesses.freePorts();
    });

    afterAll(async () => {
      if (containers.length > 0) await docker(['rm', '--force', ...containers]).catch(() => undefined);
      await receiver.stop();
    });

    const env = (extra: Record<string, string>) =>
      Object.entries({ ...serviceEnv(namespace), DATABASE_URL: databaseUrl, LOG_LEVEL: 'log', ...extra }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);

    it('migrates a new database with the image\'s migration runner', async () => {
      await run([...env({}), image, 'node', 'scripts/migrate.mjs'], 120_000);
      const migrations = readdirSync(path.join(__dirname, '../../prisma/migrations'), { withFileTypes: true }).filter((d) => d.isDirectory());
      const db = new Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name');
        expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((d) => d.name).sort());
      } finally {
        await db.end();
      }
    });

    it('starts all five services, each ready', async () => {
      for (const name of SERVICES) {
        const id = await docker([
          'run', '--detach', '--network', 'host', '--name', `tripline-image-test-${name}-${process.pid}`,
          ...env({ PORT: String(ports[name]), TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN }),
          image, 'node', `dist/apps/${name}/src/main.js`,
        ]);
        containers.push(id);
      }
      await Promise.all(SERVICES.map((name, i) => waitUntilReady(name, containers[i], url(name))));
    });

    it('delivers a signed callback for a subscribed event: subscribe, publish, callback', async () => {
      const tenantRes = await fetch(`${url('gateway')}/v1/admin/tenants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ name: 'image test tenant' }),
      });
      expect(tenantRes.status).toBe(201);
      const { tenantId, apiKey } = await json(tenantRes);
      const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };

      const subRes = await fetch(`${url('gateway')}/v1/subscriptions/data-source-refresh-failed`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ callbackUrl: receiver.url('/flow') }),
      });
      expect(subRes.status).toBe(201);
      const subscription = await json(subRes);

      const event = refreshEvent({ dataSourceId: 'ds-image', status: 'failed' });
      const eventRes = await fetch(`${url('ingestion')}/v1/events`, { method: 'POST', headers, body: JSON.stringify(event) });
      expect(eventRes.status).toBe(202);

      await receiver.waitFor((got) => got.some((c) => c.path === '/flow'), 60_000);
      const [callback] = receiver.at('/flow');
      const signed = new Webhook(subscription.secret).verify(callback.body, callback.headers as Record<string, string>);
      expect(signed).toMatchObject({ eventId: event.id, trigger: 'data-source-refresh-failed', tenantId, subscriptionId: subscription.id, dataSourceId: 'ds-image' });
    });
  });
});

/** A database beside the run's own (its name plus _image), dropped: the image's migrate must create and build it. */
async function emptyDatabase(runDatabaseUrl: string): Promise<string> {
  const name = `${new URL(runDatabaseUrl).pathname.slice(1)}_image`;
  const admin = new URL(runDatabaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const url = new URL(runDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Polls the service's readiness; a container that exits fails at once with its log. */
async function waitUntilReady(name: ServiceName, container: string, baseUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const ok = await fetch(`${baseUrl}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    const running = await docker(['inspect', '--format', '{{.State.Running}}', container]);
    if (running !== 'true' || Date.now() > deadline) {
      const logs = await containerLog(container);
      throw new Error(`${name} ${running !== 'true' ? 'exited' : 'was not ready in time'}; its log:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
