import { DESKTOP, TestBrowser, type TestStack } from '@tripline/testing';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { latency, type Latency } from './stats';

/** One console page as a user opens it: the address, and how long until its list shows, over the rounds. */
export interface ConsolePageTiming {
  page: string;
  path: string;
  shown: string;
  ms: Latency;
}

/**
 * The console's pages on the bench data set: the bench tenant's subscriptions (10,000 and more
 * after the fan-out figure) and its delivery log topped up to `deliveries`. Each page is opened
 * in Chromium as a user opens it (a full load: the bundle, the session check, the page's API
 * calls through the gateway and Kafka to the services and Postgres), timed until its list
 * shows. A page is meant to show within a second.
 */
export class ConsoleBench {
  constructor(
    private readonly stack: TestStack,
    private readonly databaseUrl: string,
  ) {}

  /**
   * Fills the tenant's log up to `total` deliveries made over the last 23 hours, spread over its
   * subscriptions, each with one attempt: 98 % delivered, 1.5 % failed, 0.5 % gone. None is
   * pending, so the dispatcher has nothing to send.
   */
  async topUp(total: number): Promise<{ subscriptions: number; deliveries: number }> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const tenant = this.stack.tenantId;
      const count = async (sql: string) => Number((await client.query<{ n: string }>(sql, [tenant])).rows[0].n);
      const have = await count('SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1');
      const missing = Math.max(0, total - have);
      await client.query('BEGIN');
      await client.query(
        `WITH subs AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(trigger ORDER BY id) AS triggers FROM subscriptions WHERE tenant_id = $1 AND status <> 'deleted'),
         made AS (
           SELECT gen_random_uuid() AS id, n, subs.ids[1 + n % cardinality(subs.ids)] AS subscription_id, subs.triggers[1 + n % cardinality(subs.ids)] AS trigger,
             now() - (n::float / $2 * interval '23 hours') AS created_at,
             CASE WHEN n % 200 = 0 THEN 'gone' WHEN n % 200 < 4 THEN 'failed' ELSE 'delivered' END AS status
           FROM subs, generate_series(1, $2) AS n
         ),
         inserted AS (
           INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, status, attempt_count, last_status_code, created_at, completed_at)
           SELECT id, $1, subscription_id, 'evt-console-bench-' || n, trigger, json_build_object('eventId', 'evt-console-bench-' || n, 'seeded', true)::text, status, 1,
             CASE status WHEN 'delivered' THEN 202 WHEN 'gone' THEN 410 ELSE 503 END, created_at, created_at + interval '40 milliseconds'
           FROM made RETURNING id, created_at, last_status_code, log_day
         )
         INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, status_code, duration_ms, response_excerpt, log_day)
         SELECT id, 1, created_at, last_status_code, 40, convert_to('{"accepted":true}', 'UTF8'), log_day FROM inserted`,
        [tenant, missing],
      );
      await client.query('COMMIT');
      await client.query('ANALYZE deliveries');
      await client.query('ANALYZE delivery_attempts');
      return {
        subscriptions: await count(`SELECT count(*) AS n FROM subscriptions WHERE tenant_id = $1 AND status <> 'deleted'`),
        deliveries: await count('SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1'),
      };
    } finally {
      await client.end();
    }
  }

  /** Each page opened `rounds` times (after one unmeasured load that warms the gateway's and the browser's caches). */
  async pages(rounds: number): Promise<ConsolePageTiming[]> {
    const gateway = this.stack.services.url('gateway');
    const busiest = await this.busiestSubscription();
    const targets: Array<{ page: string; path: string }> = [
      { page: 'Subscriptions (first page, with each one\'s last delivery and success rate)', path: '/subscriptions' },
      { page: 'Deliveries, all', path: '/deliveries' },
      { page: 'Deliveries, failed', path: '/deliveries?status=failed' },
      { page: 'Deliveries, a trigger none has (the whole log read)', path: '/deliveries?trigger=unification-completed' },
      { page: 'Deliveries, one subscription', path: `/deliveries?subscriptionId=${busiest}` },
      { page: 'Deliveries, the last hour', path: `/deliveries?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}` },
      { page: 'Events', path: '/events' },
    ];
    const browser = await TestBrowser.launch();
    try {
      const page = await browser.newPage(DESKTOP);
      await this.signIn(page, gateway);
      const timings: ConsolePageTiming[] = [];
      for (const target of targets) {
        await this.open(page, `${gateway}${target.path}`);
        const samples: number[] = [];
        let shown = '';
        for (let round = 0; round < rounds; round++) {
          const started = performance.now();
          shown = await this.open(page, `${gateway}${target.path}`);
          samples.push(Math.round(performance.now() - started));
        }
        timings.push({ ...target, shown, ms: latency(samples) });
      }
      timings.push(await this.nextSubscriptionsPage(page, gateway, rounds));
      return timings;
    } finally {
      await browser.close();
    }
  }

  private async signIn(page: Page, gateway: string): Promise<void> {
    await page.goto(`${gateway}/`);
    await page.getByLabel('A tenant, with its API key').check();
    await page.getByLabel('API key', { exact: true }).fill(this.stack.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up Power Automate' }).waitFor();
  }

  /** A full load of the page, until its list's status says what it shows; that text. */
  private async open(page: Page, url: string): Promise<string> {
    await page.goto(url);
    const status = page.locator('main .toolbar [role="status"]').filter({ hasNotText: /^Loading/ });
    await status.waitFor();
    return (await status.textContent()) ?? '';
  }

  /** "More subscriptions": from the click until the next page's rows are shown. */
  private async nextSubscriptionsPage(page: Page, gateway: string, rounds: number): Promise<ConsolePageTiming> {
    const samples: number[] = [];
    let shown = '';
    for (let round = 0; round <= rounds; round++) {
      shown = await this.open(page, `${gateway}/subscriptions`);
      const rows = await page.locator('main tbody tr').count();
      const started = performance.now();
      await page.getByRole('button', { name: 'More subscriptions' }).click();
      await page.locator('main tbody tr').nth(rows).waitFor();
      if (round > 0) samples.push(Math.round(performance.now() - started));
    }
    return { page: 'Subscriptions, the next page ("More subscriptions")', path: '/subscriptions', shown, ms: latency(samples) };
  }

  private async busiestSubscription(): Promise<string> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(
        'SELECT subscription_id AS id FROM deliveries WHERE tenant_id = $1 GROUP BY subscription_id ORDER BY count(*) DESC LIMIT 1',
        [this.stack.tenantId],
      );
      return rows[0].id;
    } finally {
      await client.end();
    }
  }
}
