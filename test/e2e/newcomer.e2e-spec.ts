import { CallbackReceiver, DESKTOP, json, REPO_ROOT, separateDatabase, dropDatabase, TestBrowser, testInfra } from '@tripline/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { unzipSync } from 'fflate';

/**
 * Issue 16's "done when", in one run: `npm start` on this checkout, then a newcomer who reads
 * only what it prints and what the console shows opens the printed URL, signs in with the admin
 * token from the file it names, creates a tenant and its key, downloads the connector package,
 * and (once a flow has subscribed, as saving it in Power Automate does) sends a test event and
 * sees it delivered. Its own database and ports; the run's broker (KAFKA_BROKERS set, so
 * `npm start` starts none).
 */
describe('a newcomer, from `npm start` to a delivered test event', () => {
  let start: ChildProcess;
  let printed = '';
  let databaseUrl: string;
  let receiver: CallbackReceiver;
  let browser: TestBrowser;

  /** Ports nothing listens on now, one per service. */
  async function freePorts(count: number): Promise<number[]> {
    const servers = await Promise.all(
      Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => resolve(server));
      })),
    );
    const ports = servers.map((server) => (server.address() as { port: number }).port);
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    return ports;
  }

  /** Waits until `npm start` has printed what matches, or fails with what it printed. */
  async function printedMatch(pattern: RegExp, timeoutMs = 240_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // eslint-disable-next-line no-control-regex
      const match = printed.replace(/\x1b\[[0-9;]*m/g, '').match(pattern);
      if (match) return match;
      if (start.exitCode !== null) throw new Error(`npm start exited (${start.exitCode}):\n${printed.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`npm start did not print ${pattern}:\n${printed.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    const infra = testInfra();
    databaseUrl = await separateDatabase('newcomer', infra);
    receiver = await new CallbackReceiver().start();
    receiver.respondWith(() => ({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' }));
    const [gateway, ingestion, registry, evaluator, dispatcher] = await freePorts(5);
    start = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      detached: true, // its own process group: stopped whole below, whatever happens
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        DATABASE_URL: databaseUrl,
        GATEWAY_PORT: String(gateway),
        INGESTION_PORT: String(ingestion),
        REGISTRY_PORT: String(registry),
        EVALUATOR_PORT: String(evaluator),
        DISPATCHER_PORT: String(dispatcher),
        LOG_LEVEL: 'warn',
      },
    });
    for (const stream of [start.stdout!, start.stderr!]) stream.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    browser = await TestBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    if (start?.pid && start.exitCode === null) {
      const exited = new Promise((resolve) => start.once('exit', resolve));
      process.kill(-start.pid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-start.pid!, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await receiver?.stop();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('opens the printed URL, signs in with the printed admin token, makes a tenant and key, downloads the connector, and sees a test event delivered', async () => {
    await printedMatch(/Tripline is ready\./);
    const [, consoleUrl] = await printedMatch(/console\s+(http:\/\/localhost:\d+\/)\s+<- open this one/);
    const [, tokenFile] = await printedMatch(/admin token in (\S+)/);
    const adminToken = readFileSync(path.join(REPO_ROOT, tokenFile), 'utf8').trim();

    browser.expectError({ text: /status of 401/, url: /\/v1\/console\/session$/ }); // signed out, as it should be
    const page = await browser.newPage(DESKTOP);
    await page.goto(consoleUrl);
    await page.getByLabel('The operator, with the admin token').check();
    await page.getByLabel('Admin token', { exact: true }).fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tenant' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Newcomer Co');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    const apiKey = await page.getByLabel("New tenant's API key").inputValue();
    await page.getByRole('button', { name: 'Act for the new tenant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up Power Automate' }).waitFor();
    // This instance's own address, to paste into the connection.
    expect(await page.getByLabel('Instance URL', { exact: true }).inputValue()).toBe(consoleUrl.replace(/\/$/, ''));

    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the connector package (.zip)' }).click();
    const zip = readFileSync(await (await downloading).path());
    expect(Object.keys(unzipSync(new Uint8Array(zip))).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md']);

    // A flow is saved in Power Automate: the connector subscribes it with the tenant's key.
    const flowPath = '/workflows/newcomer/triggers/manual/paths/invoke?api-version=2016-06-01&sig=newcomer';
    const subscribed = await fetch(new URL('/v1/subscriptions/data-source-refresh-failed', consoleUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ callbackUrl: receiver.url(flowPath), dataSourceId: 'crm-contacts' }),
    });
    expect({ status: subscribed.status, body: await json(subscribed) }).toMatchObject({ status: 201 });

    const section = page.getByRole('region', { name: 'Send a test event' });
    await section.getByLabel('Event type').selectOption('datasource.refresh.completed');
    await section.getByLabel('Data source id (optional)').fill('crm-contacts');
    await section.getByLabel('Status').selectOption('failed');
    await section.getByRole('button', { name: 'Send the test event' }).click();
    await section.getByRole('status').filter({ hasText: 'Fired 1 of 1 subscription.' }).waitFor();
    await receiver.waitFor((received) => received.some((c) => c.path === flowPath));
    const webhookId = String(receiver.at(flowPath)[0].headers['webhook-id']);

    // Delivered: the delivery the flow got, with the callback's answer.
    await section.getByRole('link', { name: new RegExp(`^${webhookId}`) }).click();
    await page.getByRole('heading', { level: 1, name: 'Deliveries' }).waitFor();
    const delivery = page.getByRole('article').filter({ hasText: webhookId });
    await delivery.locator('tbody tr').first().waitFor();
    expect(await delivery.innerText()).toMatch(/delivered[\s\S]*202[\s\S]*\{"accepted":true\}/);
    browser.assertNoErrors();
  }, 300_000); // `npm start` builds first, as on a fresh clone
});
