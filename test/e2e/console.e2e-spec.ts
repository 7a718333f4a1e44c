import {
  DESKTOP,
  DocScreenshots,
  E2E_ADMIN_TOKEN,
  json,
  PHONE,
  pipelineSettled,
  refreshEvent,
  startStack,
  TestBrowser,
  type Json,
  type TestStack,
} from '@tripline/testing';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

/**
 * The console in a real browser (Debian's Chromium), served by the gateway of the five running
 * services, clicked through as its users do. Every wait is on the page's state or the pipeline's,
 * never a fixed sleep; any console error or uncaught exception in the page fails the test.
 */
describe('the Tripline console in Chromium', () => {
  let stack: TestStack;
  let browser: TestBrowser;
  let screenshots: DocScreenshots;
  let gateway: string;

  /** A flow's callback URL carries its signature in the query, as Power Automate's do. */
  const callbackPath = (flow: string) => `/workflows/${flow}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=secret-${flow}`;

  async function subscribe(apiKey: string, flow: string, dataSourceId: string): Promise<Json> {
    const res = await fetch(`${gateway}/v1/subscriptions/data-source-refresh-failed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ callbackUrl: stack.receiver.url(callbackPath(flow)), dataSourceId }),
    });
    expect(res.status).toBe(201);
    return json(res);
  }

  async function fire(apiKey: string, tenantId: string, dataSourceId: string) {
    const event = refreshEvent({ dataSourceId, dataSourceName: `Source ${dataSourceId}` });
    const res = await fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(202);
    await pipelineSettled(stack.kafka, [tenantId]);
    return event;
  }

  /** Opens the console signed out: its check for a session is answered 401, as it should be. */
  async function openSignedOut(viewport: { width: number; height: number }): Promise<Page> {
    browser.expectError({ text: /status of 401/, url: /\/v1\/console\/session$/ });
    const page = await browser.newPage(viewport);
    const served = await page.goto(`${gateway}/`);
    // No inline script or style runs (a violation would be a console error, failing the test).
    expect(served?.headers()['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    return page;
  }

  async function signIn(page: Page, who: 'tenant' | 'operator', credential: string, landsOn: string): Promise<void> {
    await page.getByLabel(who === 'operator' ? 'The operator, with the admin token' : 'A tenant, with its API key').check();
    await page.getByLabel(who === 'operator' ? 'Admin token' : 'API key', { exact: true }).fill(credential);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: landsOn }).waitFor();
  }

  /** The Set-up page once its reads are answered: the instance URL and the API keys. */
  async function setUpShown(page: Page): Promise<void> {
    await page.getByLabel('Instance URL', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'API keys' }).locator('tbody tr').first().waitFor();
  }

  const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
  const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
  const subscriptionRow = (page: Page, dataSourceId: string): Locator => page.locator('tbody tr').filter({ hasText: dataSourceId });

  beforeAll(async () => {
    stack = await startStack('e2e-console');
    gateway = stack.services.url('gateway');
    // Power Automate answers a callback 202 Accepted; the console shows the answer's first bytes.
    stack.receiver.respondWith((callback) =>
      callback.path.includes('/workflows/gone/') ? 410 : { status: 202, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' },
    );
    browser = await TestBrowser.launch();
    screenshots = new DocScreenshots();
  });
  afterEach(async () => {
    try {
      browser.assertNoErrors();
    } finally {
      await browser.closeContexts();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it.each([
    ['at 1280×800', DESKTOP, 'desktop'],
    ['on a phone, 390×844', PHONE, 'phone'],
  ])(
    'from sign-in to a resent delivery %s: operator makes a tenant, the tenant sets up, downloads the connector, sees its subscription and delivery, resends it, signs out',
    async (_, viewport, tag) => {
      const shoot = (name: string) => screenshots.take(page, tag === 'desktop' ? name : `${name}-phone`);
      const page = await openSignedOut(viewport);
      await shoot('sign-in');

      // The operator makes a tenant; its key is shown once.
      await signIn(page, 'operator', E2E_ADMIN_TOKEN, 'Tenant');
      await shoot('tenant');
      await page.getByLabel('Name', { exact: true }).fill(`Contoso (${tag})`);
      await page.getByRole('button', { name: 'Create tenant' }).click();
      const tenantId = await page.getByLabel('New tenant id').inputValue();
      const apiKey = await page.getByLabel("New tenant's API key").inputValue();
      expect(apiKey).toMatch(/^tl_/);
      // It acts for the new tenant (X-Tenant-Id on each tenant route): none of its subscriptions yet.
      await page.getByRole('button', { name: 'Act for the new tenant' }).click();
      await page.getByRole('heading', { level: 1, name: 'Set up Power Automate' }).waitFor();
      await nav(page, 'Subscriptions');
      await page.getByText('No subscriptions yet').waitFor();
      // The operator's tenant list, newest first, has it.
      await nav(page, 'Tenant');
      await page.getByRole('region', { name: 'Tenants' }).getByRole('button', { name: `Act for Contoso (${tag})` }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await status(page, 'Signed out.');

      // The tenant signs in with that key and lands on Set up, with this instance's own address.
      await signIn(page, 'tenant', apiKey, 'Set up Power Automate');
      expect(await page.getByLabel('Instance URL', { exact: true }).inputValue()).toBe(gateway);
      await shoot('setup');
      const downloading = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download the connector package (.zip)' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('tripline-power-automate-connector.zip');
      const zip = readFileSync(await download.path());
      expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
      expect(Object.keys(unzipSync(new Uint8Array(zip))).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md']);

      // A flow subscribes (through the API, as Power Automate does) and an event fires it.
      const flow = `crm-alerts-${tag}`;
      const dataSourceId = `crm-contacts-${tag}`;
      const subscription = await subscribe(apiKey, flow, dataSourceId);
      const event = await fire(apiKey, tenantId, dataSourceId);
      expect(stack.receiver.at(callbackPath(flow))).toHaveLength(1);

      // The subscription: its parameters, its callback's host and never more of the URL.
      await nav(page, 'Subscriptions');
      const row = subscriptionRow(page, dataSourceId);
      await row.waitFor();
      const receiverHost = new URL(stack.receiver.url('/')).host;
      expect(await row.innerText()).toEqual(expect.stringContaining(receiverHost));
      const shown = await page.locator('main').innerText();
      expect(shown).not.toContain('/workflows/');
      expect(shown).not.toContain('secret-');
      expect(shown).not.toContain('REDACTED');
      await shoot('subscriptions');

      // Its delivery, with the attempt; resent, a second attempt with the same webhook-id.
      await row.getByRole('link', { name: /^Deliveries/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Deliveries' }).waitFor();
      const delivery = page.getByRole('article').filter({ hasText: event.id });
      await delivery.locator('tbody tr').first().waitFor();
      expect(await delivery.locator('tbody tr').count()).toBe(1);
      expect(await delivery.locator('tbody tr').first().innerText()).toMatch(/202[\s\S]*\{"accepted":true\}/);
      await delivery.getByRole('button', { name: `Resend the delivery of event ${event.id}` }).click();
      await status(page, 'queued for another attempt');
      await pipelineSettled(stack.kafka, [tenantId]);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await delivery.locator('tbody tr').nth(1).waitFor();
      const calls = stack.receiver.at(callbackPath(flow));
      expect(calls).toHaveLength(2);
      expect(new Set(calls.map((c) => c.headers['webhook-id']))).toEqual(new Set([String(calls[0].headers['webhook-id'])]));
      expect(await delivery.innerText()).toContain(String(calls[0].headers['webhook-id']));
      expect(new URL(page.url()).searchParams.get('subscriptionId')).toBe(subscription.id);
      await shoot('deliveries');

      // Signing out ends the session on the server: the old cookie is refused from then on.
      const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'tripline_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await status(page, 'Signed out.');
      for (const path of ['/v1/console/session', '/v1/subscriptions']) {
        const res = await fetch(`${gateway}${path}`, { headers: { cookie: `tripline_session=${cookie.value}` } });
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
    },
  );

  it.each([
    ['at 1280×800', DESKTOP, 'desktop'],
    ['on a phone, 390×844', PHONE, 'phone'],
  ])("operations %s: the operator sees every service ready and a dead letter with its bytes, and replays it to its topic", async (_, viewport, tag) => {
    // A message the ingestion service refuses (its occurredAt is no time): a dead letter naming its tenant.
    const { tenantId } = await stack.createTenant(`console operations ${tag}`);
    const bad = JSON.stringify({ ...refreshEvent({ dataSourceId: `ds-ops-${tag}` }), occurredAt: 'yesterday-ish', tenantId });
    const onIngest = async () => (await stack.kafka.readAll('ingest')).filter((r) => r.value === bad);
    await stack.kafka.publishRaw('ingest', [{ key: tenantId, value: bad }]);
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-ingestion', 'ingest'), 'ingest');
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-gateway', 'dead-letters'), 'deadLetters');

    const page = await openSignedOut(viewport);
    await signIn(page, 'operator', E2E_ADMIN_TOKEN, 'Tenant');
    await nav(page, 'Operations');
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    const services = page.getByRole('region', { name: 'Services' });
    await status(page, '5 of 5 ready');
    for (const name of ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher']) {
      expect(await services.locator('tbody tr').filter({ hasText: name }).innerText()).toContain('up');
    }
    await services.getByRole('button', { name: 'Refresh' }).click();
    await status(page, '5 of 5 ready');

    // The dead letter, found by its tenant, from the keyboard.
    const letters = page.getByRole('region', { name: 'Dead letters' });
    await letters.getByLabel('Source topic').fill('tripline.ingest.v1');
    await letters.getByLabel('Tenant id').fill(tenantId);
    await page.keyboard.press('Enter'); // the filter form submits from the keyboard
    await status(page, '1 dead letter shown.');
    const letter = letters.getByRole('article');
    expect(await letter.innerText()).toMatch(/tripline\.ingest\.v1[\s\S]*occurredAt/);
    await letter.getByText('Original bytes').focus();
    await page.keyboard.press('Enter');
    await letter.locator('pre').first().waitFor();
    expect(await letter.locator('pre').first().innerText()).toBe(bad);
    await screenshots.take(page, tag === 'desktop' ? 'operations' : 'operations-phone');
    if (tag === 'desktop') await screenshots.take(page, 'dead-letters', letters);
    // Nothing wider than the screen (the nav's four links, a long topic name, the bytes): no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    // Replayed after a confirmation that says what goes where; it arrives on the ingest topic again.
    expect(await onIngest()).toHaveLength(1);
    await letter.getByRole('button', { name: /^Replay the message from .*tripline\.ingest\.v1/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay this message?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(new RegExp(`${Buffer.byteLength(bad)} bytes[\\s\\S]*${tenantId}[\\s\\S]*tripline\\.ingest\\.v1`));
    await dialog.getByRole('button', { name: 'Republish' }).click();
    await status(page, /^Republished .* to .*tripline\.ingest\.v1, partition \d+, offset \d+/);
    expect(await onIngest()).toHaveLength(2);
    await letter.getByText(/^replayed/).waitFor();
    // Its cause is still there: ingestion refuses it again, a second dead letter of the tenant.
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-ingestion', 'ingest'), 'ingest');
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-gateway', 'dead-letters'), 'deadLetters');
    await letters.getByRole('button', { name: 'Refresh' }).click();
    await status(page, '2 dead letters shown.');
  });

  it('shows a disabled subscription first, with the reason; re-enables it, rotates a secret, deletes after confirmation', async () => {
    const { tenantId, apiKey } = await stack.createTenant('console actions');
    const kept = await subscribe(apiKey, 'kept', 'ds-kept');
    const gone = await subscribe(apiKey, 'gone', 'ds-gone');
    await fire(apiKey, tenantId, 'ds-gone'); // its flow answers 410: deleted, so the subscription is disabled
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');

    const page = await openSignedOut(DESKTOP);
    await signIn(page, 'tenant', apiKey, 'Set up Power Automate');
    await nav(page, 'Subscriptions');
    const disabled = subscriptionRow(page, 'ds-gone');
    await disabled.waitFor();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().innerText()).toContain('ds-gone'); // disabled first
    expect(await disabled.innerText()).toMatch(/disabled[\s\S]*410/);
    // How each one's callbacks fare: the disabled one's only delivery found its flow gone; the other has had none.
    expect(await disabled.locator('[data-label="Last delivery"]').innerText()).toContain('gone');
    expect(await disabled.locator('[data-label="Success, 24 h"]').innerText()).toBe('0 % (0 of 1)');
    expect(await subscriptionRow(page, 'ds-kept').locator('[data-label="Last delivery"]').innerText()).toBe('none yet');

    await disabled.getByRole('button', { name: /^Re-enable data-source-refresh-failed/ }).click();
    await status(page, 'Re-enabled');
    expect(await disabled.innerText()).toContain('active');
    expect(await json(await fetch(`${gateway}/v1/subscriptions/${gone.id}`, { headers: { 'x-api-key': apiKey } }))).toMatchObject({ status: 'active' });

    const keptRow = subscriptionRow(page, 'ds-kept');
    await keptRow.getByRole('button', { name: /^Rotate the signing secret/ }).click();
    const secret = await page.getByLabel('New signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(kept.secret);

    // Asked first, in a modal dialog the keyboard can leave: Escape keeps the subscription.
    await keptRow.getByRole('button', { name: /^Delete/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete the data-source-refresh-failed subscription?' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await rows.count()).toBe(2);
    await keptRow.getByRole('button', { name: /^Delete/ }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await status(page, 'Deleted the data-source-refresh-failed subscription');
    expect(await rows.count()).toBe(1);
    expect((await fetch(`${gateway}/v1/subscriptions/${kept.id}`, { headers: { 'x-api-key': apiKey } })).status).toBe(404);
  });

  it("finds deliveries across subscriptions by status and trigger; the filter is in the address, and one subscription's log offers its recovery", async () => {
    const { tenantId, apiKey } = await stack.createTenant('console deliveries');
    await subscribe(apiKey, 'fine', 'ds-fine');
    await subscribe(apiKey, 'gone', 'ds-vanished');
    const fine = await fire(apiKey, tenantId, 'ds-fine');
    const vanished = await fire(apiKey, tenantId, 'ds-vanished'); // its flow answers 410: the delivery ends gone
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-registry', 'outcomes'), 'deliveryOutcomes');

    const page = await openSignedOut(DESKTOP);
    await signIn(page, 'tenant', apiKey, 'Set up Power Automate');
    await nav(page, 'Deliveries');
    await page.getByRole('heading', { level: 1, name: 'Deliveries' }).waitFor();
    const cards = page.getByRole('article');
    await status(page, '2 deliveries shown.');
    expect(await cards.first().innerText()).toContain(vanished.id); // newest first

    const filter = page.getByRole('search', { name: 'Filter deliveries' });
    await filter.getByLabel('Status').selectOption('gone');
    await filter.getByLabel('Trigger').selectOption('data-source-refresh-failed');
    await filter.getByLabel('Subscription id').press('Enter'); // the form submits from the keyboard
    await status(page, '1 delivery shown (filtered).');
    expect(await cards.innerText()).toMatch(new RegExp(`${vanished.id}[\\s\\S]*gone[\\s\\S]*410`));
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ status: 'gone', trigger: 'data-source-refresh-failed' });
    await screenshots.take(page, 'deliveries-filtered');

    // Reloaded (or bookmarked), the page keeps its filter.
    await page.reload();
    await status(page, '1 delivery shown (filtered).');
    expect(await filter.getByLabel('Status').inputValue()).toBe('gone');

    // A card's subscription opens that subscription's log alone, with its recovery form.
    await cards.getByRole('link', { name: /only its deliveries/ }).click();
    await page.waitForURL(/\?subscriptionId=[^&]+$/);
    await page.locator('.lead').filter({ hasText: /data-source-refresh-failed to .*disabled/ }).waitFor();
    await page.getByText('Recover a time window').waitFor();
    await cards.filter({ hasText: vanished.id }).waitFor();
    await page.getByRole('link', { name: 'Every delivery' }).click();
    await status(page, '2 deliveries shown.');
    expect(await cards.nth(1).innerText()).toContain(fine.id);
  });

  it('manages API keys on the Set-up page: made and shown once, renamed, rotated, revoked; rotating its own key signs the console in again', async () => {
    const { apiKey } = await stack.createTenant('console keys');
    const page = await openSignedOut(DESKTOP);
    await signIn(page, 'tenant', apiKey, 'Set up Power Automate');
    const keys = page.getByRole('region', { name: 'API keys' });
    await keys.locator('tbody tr').filter({ hasText: 'default' }).waitFor(); // the tenant's first key
    await keys.getByLabel("New key's name").fill('Finance flows');
    await keys.getByRole('button', { name: 'Make a key' }).click();
    const made = await keys.getByLabel('API key Finance flows').inputValue();
    expect((await fetch(`${gateway}/v1/subscriptions`, { headers: { 'x-api-key': made } })).status).toBe(200);
    const row = keys.locator('tbody tr').filter({ hasText: 'Finance flows' });
    await row.getByRole('button', { name: 'Rename Finance flows' }).click();
    await row.getByLabel('New name for Finance flows').fill('Finance alerts');
    await row.getByRole('button', { name: 'Save' }).click();
    await status(page, 'Renamed to Finance alerts.');
    const renamed = keys.locator('tbody tr').filter({ hasText: 'Finance alerts' });
    await renamed.getByRole('button', { name: 'Rotate Finance alerts' }).click();
    await page.getByRole('dialog', { name: 'Rotate the key Finance alerts?' }).getByRole('button', { name: 'Rotate' }).click();
    const rotated = await keys.getByLabel('API key Finance alerts').inputValue();
    await keys.getByText(`tl_${/^tl_([^_]+)_/.exec(made)?.[1] ?? ''}`).waitFor(); // the old key's row stays, revoked
    expect(rotated).not.toBe(made);
    expect((await fetch(`${gateway}/v1/subscriptions`, { headers: { 'x-api-key': made } })).status).toBe(401);
    const current = keys.locator('tbody tr').filter({ hasText: 'Finance alerts' }).filter({ has: page.getByRole('button', { name: 'Revoke Finance alerts' }) });
    await current.getByRole('button', { name: 'Revoke Finance alerts' }).click();
    await page.getByRole('dialog', { name: 'Revoke the key Finance alerts?' }).getByRole('button', { name: 'Revoke' }).click();
    await status(page, 'Key Finance alerts revoked.');
    expect(await keys.getByLabel('API key Finance alerts').count()).toBe(0); // a revoked key is no longer offered for copying
    expect((await fetch(`${gateway}/v1/subscriptions`, { headers: { 'x-api-key': rotated } })).status).toBe(401);

    // Rotating the key this session was opened with ends the session: the console signs in again with the new key.
    browser.expectError({ text: /status of 401/, url: /\/v1\/console\/session$/ });
    const signedInWith = keys.locator('tbody tr').filter({ has: page.getByRole('button', { name: 'Rotate default' }) });
    await signedInWith.getByRole('button', { name: 'Rotate default' }).click();
    await page.getByRole('dialog', { name: 'Rotate the key default?' }).getByRole('button', { name: 'Rotate' }).click();
    await status(page, 'the console signed in again with the new one');
    const newDefault = await keys.getByLabel('API key default').inputValue();
    expect((await fetch(`${gateway}/v1/subscriptions`, { headers: { 'x-api-key': apiKey } })).status).toBe(401);
    expect((await fetch(`${gateway}/v1/subscriptions`, { headers: { 'x-api-key': newDefault } })).status).toBe(200);
    await screenshots.take(page, 'api-keys', keys);
    await nav(page, 'Subscriptions'); // still signed in
    await page.getByText('No subscriptions yet').waitFor();
  });

  it('reads the subscriptions a page at a time, never all at once', async () => {
    const { apiKey } = await stack.createTenant('console paging');
    for (let i = 0; i < 27; i++) await subscribe(apiKey, `paged-${i}`, `ds-paged-${String(i).padStart(2, '0')}`);
    const page = await openSignedOut(DESKTOP);
    await signIn(page, 'tenant', apiKey, 'Set up Power Automate');
    const listed: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/subscriptions') listed.push(new URL(request.url()).search);
    });
    await nav(page, 'Subscriptions');
    await status(page, '25 shown (more to load).');
    expect(await page.locator('tbody tr').count()).toBe(25);
    await page.getByRole('button', { name: 'More subscriptions' }).click();
    await status(page, '27 shown.');
    expect(await page.getByRole('button', { name: 'More subscriptions' }).count()).toBe(0);
    expect(listed).toEqual(['?limit=25', expect.stringMatching(/^\?limit=25&cursor=/)]);
  });

  it("shows the API's own message when it refuses, and asks for the session again when it has ended", async () => {
    const page = await openSignedOut(PHONE);
    browser.expectError({ text: /status of 401/, url: /\/v1\/console\/session$/ }); // the wrong key's refusal
    await page.getByLabel('API key', { exact: true }).fill('tl_not_a_real_key');
    await page.keyboard.press('Enter'); // the form submits from the keyboard
    await page.getByRole('alert').filter({ hasText: 'invalid API key' }).waitFor();

    // An operator typing a tenant id that is not one: the API's message, not a guess of ours.
    await signIn(page, 'operator', E2E_ADMIN_TOKEN, 'Tenant');
    browser.expectError({ text: /status of 404/, url: /\/v1\/subscriptions\?limit=1$/ });
    await page.getByLabel('Tenant id', { exact: true }).fill('6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10');
    await page.getByRole('button', { name: 'Act for this tenant' }).click();
    await page.getByRole('alert').filter({ hasText: 'X-Tenant-Id header: no such tenant' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await status(page, 'Signed out.');

    const { apiKey } = await stack.createTenant('console session ends');
    await signIn(page, 'tenant', apiKey, 'Set up Power Automate');
    await setUpShown(page); // every read of the page answered, before the session ends under it
    // The session ends elsewhere (another tab signs out): the next call is refused, and the page says so.
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'tripline_session');
    const { csrfToken } = await json(await fetch(`${gateway}/v1/console/session`, { headers: { cookie: `tripline_session=${cookie.value}` } }));
    const ended = await fetch(`${gateway}/v1/console/session`, { method: 'DELETE', headers: { cookie: `tripline_session=${cookie.value}`, 'x-csrf-token': csrfToken } });
    expect(ended.status).toBe(204);
    browser.expectError({ text: /status of 401/, url: /\/v1\/subscriptions\?/ });
    await nav(page, 'Subscriptions');
    await status(page, 'Your session ended');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});
