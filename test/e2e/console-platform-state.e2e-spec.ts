import {
  DESKTOP,
  DocScreenshots,
  fullRefreshEvent,
  json,
  PHONE,
  pipelineSettled,
  refreshEvent,
  segmentEvent,
  startStack,
  TestBrowser,
  type TestStack,
} from '@tripline/testing';
import type { EventInput } from '@tripline/contracts';
import type { Page } from 'playwright-core';

/**
 * The console's Platform state page in Chromium, against the five running services: segment
 * events go in through ingestion, the evaluator records their values, the gateway's read model
 * their current state, and the page draws them with the threshold a flow watches. Every wait is on
 * the pipeline or on what the page shows; any console error (a CSP violation included) fails it.
 */
describe('the console: Platform state in Chromium', () => {
  let stack: TestStack;
  let browser: TestBrowser;
  let screenshots: DocScreenshots;
  let gateway: string;

  async function happened(apiKey: string, tenantId: string, events: EventInput[]) {
    const res = await fetch(`${stack.services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    await pipelineSettled(stack.kafka, [tenantId]);
    await stack.kafka.waitForGroup(stack.kafka.groupId('tripline-gateway', 'read-model'), 'events');
  }

  async function signedInAsTenant(apiKey: string, viewport: { width: number; height: number }): Promise<Page> {
    browser.expectError({ text: /status of 401/, url: /\/v1\/console\/session$/ }); // the signed-out page's session check
    const page = await browser.newPage(viewport);
    await page.goto(`${gateway}/`);
    await page.getByLabel('A tenant, with its API key').check();
    await page.getByLabel('API key', { exact: true }).fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up Power Automate' }).waitFor();
    return page;
  }

  beforeAll(async () => {
    stack = await startStack('e2e-console-state');
    gateway = stack.services.url('gateway');
    stack.receiver.respondWith(() => 202);
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
    ['at 1280×800', DESKTOP, 'platform-state'],
    ['on a phone, 390×844', PHONE, 'platform-state-phone'],
  ])('shows data sources failing first, a segment with its chart and threshold, and the runs %s', async (_, viewport, screenshot) => {
    const { tenantId, apiKey } = await stack.createTenant(`platform state ${screenshot}`);
    const subscribed = await fetch(`${gateway}/v1/subscriptions/segment-threshold-crossed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ callbackUrl: stack.receiver.url(`/flows/${screenshot}`), segmentId: 'seg-vip', threshold: 100 }),
    });
    expect(subscribed.status).toBe(201);
    const vip = (count: number, minute: number) => {
      const event = segmentEvent('seg-vip', count, minute);
      return { ...event, data: { ...event.data, segmentName: 'VIP customers' } };
    };
    await happened(apiKey, tenantId, [
      vip(90, 1),
      vip(120, 2),
      vip(160, 3),
      refreshEvent({ dataSourceId: 'ds-billing', dataSourceName: 'Billing', status: 'succeeded' }),
      refreshEvent({ dataSourceId: 'ds-crm', dataSourceName: 'CRM contacts', status: 'failed' }),
      fullRefreshEvent({ runId: `full-${screenshot}`, status: 'succeeded' }),
    ]);
    // The values are those the evaluator applied: the page reads them from GET /v1/segments/{id}/values.
    expect((await json(await fetch(`${gateway}/v1/segments/seg-vip/values`, { headers: { 'x-api-key': apiKey } }))).values.map((v: { value: number }) => v.value)).toEqual([
      90, 120, 160,
    ]);

    const page = await signedInAsTenant(apiKey, viewport);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Platform state', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Platform state' }).waitFor();

    // The segment: its current value, and its chart named by what it draws, with one point per value and the threshold's line.
    const segment = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /VIP customers/ }) });
    await segment.getByText('160 members').waitFor();
    const chart = segment.getByRole('img', { name: 'VIP customers: 3 recent values, from 90 to 160; threshold 100' });
    await chart.waitFor();
    expect(await chart.locator('circle.chart-point').count()).toBe(3);
    expect(await chart.locator('.chart-threshold line').count()).toBe(1);
    expect(await chart.locator('.chart-threshold text').textContent()).toBe('threshold 100');
    expect(await chart.locator('path.chart-line').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/);

    // Data sources: the failing one first; the run listed.
    const sources = page.getByRole('region', { name: 'Data sources' });
    await sources.locator('tbody tr').nth(1).waitFor();
    expect(await sources.locator('tbody tr').first().innerText()).toMatch(/CRM contacts[\s\S]*failed[\s\S]*SOURCE_AUTH/);
    expect(await sources.locator('tbody tr').nth(1).innerText()).toContain('Billing');
    const runs = page.getByRole('region', { name: 'Refresh and unification runs' });
    const run = runs.locator('tbody tr').filter({ hasText: `full-${screenshot}` });
    await run.waitFor();
    expect(await run.innerText()).toMatch(/full[\s\S]*scheduled[\s\S]*succeeded/);

    await screenshots.take(page, screenshot);
  });
});
