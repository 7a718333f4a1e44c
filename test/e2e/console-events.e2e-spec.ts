import { DESKTOP, DocScreenshots, json, measureEvent, PHONE, pipelineSettled, segmentEvent, startStack, TestBrowser, type Json, type TestStack } from '@tripline/testing';
import type { Page } from 'playwright-core';

/**
 * The console's Events page ("why did (not) my flow fire?") and the Set-up page's test event, in
 * Chromium against the five running services. Every wait is on what the page shows or on the
 * pipeline, never a fixed time; any console error fails the test.
 */
describe("the console's events and test events in Chromium", () => {
  let stack: TestStack;
  let browser: TestBrowser;
  let screenshots: DocScreenshots;
  let gateway: string;

  const callbackPath = (flow: string) => `/workflows/${flow}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=secret-${flow}`;
  const viewports = [
    ['at 1280×800', DESKTOP, 'desktop'],
    ['on a phone, 390×844', PHONE, 'phone'],
  ] as const;

  async function subscribe(apiKey: string, trigger: string, parameters: Record<string, unknown>, flow: string): Promise<Json> {
    const res = await fetch(`${gateway}/v1/subscriptions/${trigger}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ callbackUrl: stack.receiver.url(callbackPath(flow)), ...parameters }),
    });
    expect(res.status).toBe(201);
    return json(res);
  }

  async function ingest(apiKey: string, tenantId: string, events: unknown[]): Promise<void> {
    const res = await fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    await pipelineSettled(stack.kafka, [tenantId]);
  }

  /** A tenant signed in with its key, on the Set-up page (the signed-out page's session check answers 401, as it should). */
  async function signedIn(viewport: { width: number; height: number }, apiKey: string): Promise<Page> {
    browser.expectError({ text: /status of 401/, url: /\/v1\/console\/session$/ });
    const page = await browser.newPage(viewport);
    await page.goto(`${gateway}/`);
    await page.getByLabel('A tenant, with its API key').check();
    await page.getByLabel('API key', { exact: true }).fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up Power Automate' }).waitFor();
    return page;
  }

  const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
  const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();

  beforeAll(async () => {
    stack = await startStack('e2e-console-events');
    gateway = stack.services.url('gateway');
    stack.receiver.respondWith(() => ({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' }));
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

  it.each(viewports)('sends a test event from the Set-up page, waits for its evaluation and sees the flow it fired %s', async (_, viewport, tag) => {
    const { apiKey } = await stack.createTenant(`test events ${tag}`);
    const flow = `refresh-alerts-${tag}`;
    const dataSourceId = `crm-contacts-${tag}`;
    const subscription = await subscribe(apiKey, 'data-source-refresh-failed', { dataSourceId }, flow);
    const page = await signedIn(viewport, apiKey);
    const section = page.getByRole('region', { name: 'Send a test event' });
    await section.getByLabel('Event type').selectOption('datasource.refresh.completed');
    await section.getByLabel('Data source id (optional)').fill(dataSourceId);
    await section.getByLabel('Status').selectOption('failed');

    // The page's looks for the evaluation are held until the waiting state has been seen.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const eventList = (url: URL) => url.pathname === '/v1/events';
    await page.route(eventList, async (route) => {
      await held;
      await route.continue();
    });
    await section.getByRole('button', { name: 'Send the test event' }).click();
    await section.getByRole('status').filter({ hasText: 'Waiting for the evaluator to judge it' }).waitFor();
    expect(await section.getByRole('button', { name: 'Send the test event' }).isDisabled()).toBe(true);
    release(); // and every later look goes straight through

    await section.getByRole('status').filter({ hasText: 'Fired 1 of 1 subscription.' }).waitFor();
    const verdict = section.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^Fired/ }) });
    expect(await verdict.innerText()).toContain(subscription.id);
    await stack.receiver.waitFor((received) => received.some((c) => c.path === callbackPath(flow)));
    const [callback] = stack.receiver.at(callbackPath(flow));
    expect(callback.json).toMatchObject({ eventId: expect.stringMatching(/^test-/), dataSourceId, status: 'failed' });
    const webhookId = String(callback.headers['webhook-id']);
    expect(await verdict.innerText()).toContain(webhookId); // the delivery the flow got
    await screenshots.take(page, tag === 'desktop' ? 'test-event' : 'test-event-phone', section);

    // The delivery id leads to that subscription's deliveries, where the test event's delivery is.
    await verdict.getByRole('link', { name: new RegExp(`^${webhookId}`) }).click();
    await page.getByRole('heading', { level: 1, name: 'Deliveries' }).waitFor();
    await page.getByRole('article').filter({ hasText: String((callback.json as Json).eventId) }).waitFor();
    const at = new URL(page.url());
    expect([at.pathname, at.searchParams.get('subscriptionId')]).toEqual(['/deliveries', subscription.id]);
  });

  it.each(viewports)(
    'finds a segment event by its entity, and explains on its page that it did not fire: below threshold, with the values %s',
    async (_, viewport, tag) => {
      const { tenantId, apiKey } = await stack.createTenant(`events ${tag}`);
      const segmentId = `vip-customers-${tag}`;
      await subscribe(apiKey, 'segment-threshold-crossed', { segmentId, threshold: 50 }, `vip-${tag}`);
      const baseline = segmentEvent(segmentId, 30, 0);
      const below = segmentEvent(segmentId, 40, 1);
      await ingest(apiKey, tenantId, [baseline, below]);

      const page = await signedIn(viewport, apiKey);
      await nav(page, 'Events');
      await page.getByRole('heading', { level: 1, name: 'Events' }).waitFor();
      // From the keyboard: the entity id typed, the search sent with Enter.
      await page.getByLabel('Entity id').focus();
      await page.keyboard.type(segmentId);
      await page.keyboard.press('Enter');
      await status(page, `2 events shown about ${segmentId}.`);
      expect(new URL(page.url()).search).toBe(`?entityId=${segmentId}`);
      expect(await page.locator('tbody tr').count()).toBe(2);
      const row = page.locator('tbody tr').filter({ hasText: below.id });
      expect(await row.innerText()).toMatch(/segment\.refreshed[\s\S]*nothing/);
      await screenshots.take(page, tag === 'desktop' ? 'events' : 'events-phone', tag === 'desktop' ? undefined : page.locator('main')); // a phone's list is below its forms

      await row.getByRole('link', { name: below.id }).click();
      await page.getByRole('heading', { level: 1, name: 'Event' }).waitFor();
      await status(page, 'Fired none of 1 subscription.');
      const verdict = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^Not fired: below threshold/ }) });
      await verdict.waitFor();
      const values = await verdict.locator('.reason-values > div').allInnerTexts();
      expect(values.map((v) => v.replace(/\s+/g, ' ').trim())).toEqual(['Previous value 30', 'New value 40', 'Threshold 50']);
      expect(await verdict.innerText()).toContain('went from 30 to 40, which is not above the threshold 50');
      expect(await page.locator('.observation').innerText()).toContain('Applied: it went from 30 to 40.');
      await screenshots.take(page, tag === 'desktop' ? 'event' : 'event-phone', page.locator('main'));

      // Back returns to the search, as it was; an event opened by its id explains itself too.
      await page.goBack();
      await status(page, `2 events shown about ${segmentId}.`);
      await page.getByLabel('Event id').fill(baseline.id);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Not fired: first observation' }).waitFor();
      expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/events/${baseline.id}`);
    },
  );

  it('reads the events a page at a time with the cursor, never all at once', async () => {
    const { tenantId, apiKey } = await stack.createTenant('events paging');
    await ingest(apiKey, tenantId, Array.from({ length: 27 }, (_, minute) => measureEvent('revenue', minute, minute)));
    const page = await signedIn(DESKTOP, apiKey);
    const listed: URLSearchParams[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/v1/events') listed.push(url.searchParams);
    });
    await page.goto(`${gateway}/events?entityId=revenue&type=measure.refreshed`);
    await status(page, '25 events shown about revenue, measure.refreshed (more to load).');
    await page.getByRole('button', { name: 'More events' }).click();
    await status(page, '27 events shown about revenue, measure.refreshed.');
    expect(await page.getByRole('button', { name: 'More events' }).count()).toBe(0);
    expect(listed.map((query) => [query.get('entityId'), query.get('type'), query.get('limit'), query.has('cursor')])).toEqual([
      ['revenue', 'measure.refreshed', '25', false],
      ['revenue', 'measure.refreshed', '25', true],
    ]);
  });
});
