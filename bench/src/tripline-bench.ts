import type { EventInput, Subscription } from '@tripline/contracts';
import { pipelineSettled, refreshEvent, SERVICES, subscriptionFixture, type ServiceName, type TestStack } from '@tripline/testing';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { paced } from './baselines';
import type { BenchReceiver } from './bench-receiver';
import { latency, perSecond, until, type Latency } from './stats';

/** The hops of an event's way, each from the record that enters it to the one it produces. */
export type Hop = 'ingestion' | 'evaluator' | 'dispatcherToReceiver';

/** An event whose id carries its publish time, for the receiver's latency clock. */
let sequence = 0;
export function benchEvent(dataSourceId: string): EventInput {
  return refreshEvent({ dataSourceId, status: 'failed' }, `bench-${Date.now()}-${sequence++}`);
}

export class TriplineBench {
  constructor(
    private readonly stack: TestStack,
    private readonly receiver: BenchReceiver,
  ) {}

  /** Subscriptions to the failed-refresh trigger, `perSource` callbacks for each data source. */
  async subscribe(dataSources: string[], perSource = 1, concurrency = 32): Promise<{ callsPerSecond: number }> {
    const todo = dataSources.flatMap((ds) => Array.from({ length: perSource }, (_, i) => ({ ds, path: `/t/${ds}/${i}` })));
    const calls = todo.length;
    // undici's Pool, as B3 uses, not fetch: the load generator shares the 2 cores with the stack,
    // and fetch cost it about 500 µs of CPU per call, as much as the registry's whole work.
    const pool = new Pool(this.stack.services.url('gateway'), { connections: concurrency });
    const headers = { 'content-type': 'application/json', 'x-api-key': this.stack.apiKey };
    const started = performance.now();
    try {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let item = todo.shift(); item; item = todo.shift()) {
            const body = JSON.stringify({ callbackUrl: this.receiver.url(item.path), dataSourceId: item.ds });
            const res = await pool.request({ path: '/v1/subscriptions/data-source-refresh-failed', method: 'POST', headers, body });
            const answer = await res.body.text();
            if (res.statusCode !== 201) throw new Error(`subscribe: HTTP ${res.statusCode} ${answer}`);
          }
        }),
      );
    } finally {
      await pool.close();
    }
    const callsPerSecond = perSecond(calls, performance.now() - started);
    await this.stack.kafka.waitForGroup(this.stack.kafka.groupId('tripline-evaluator', 'subscription-changes'), 'subscriptionChanges', 300_000);
    await this.stack.kafka.waitForGroup(this.stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges', 300_000);
    return { callsPerSecond };
  }

  private async publishOnKafka(events: EventInput[]): Promise<void> {
    await this.stack.kafka.publishRaw('ingest', events.map((e) => ({ key: `${this.stack.tenantId}:${(e.data as { dataSourceId: string }).dataSourceId}`, value: JSON.stringify({ ...e, tenantId: this.stack.tenantId }) })));
  }

  /**
   * The most events per second the whole pipeline turns into callbacks: a backlog of `events`
   * (one callback each) published at once on the ingest topic, timed from the first callback to
   * the last, as the baselines' drains are. A sustained rate above it would grow the backlog.
   */
  async saturation(dataSources: string[], events: number): Promise<{ eventsPerSecond: number; deliveriesPerSecond: number }> {
    this.receiver.reset();
    await this.publishOnKafka(Array.from({ length: events }, (_, n) => benchEvent(dataSources[n % dataSources.length])));
    await until(() => this.receiver.count >= events, 600_000, 'saturation callbacks');
    const rate = perSecond(events, this.receiver.lastAt - this.receiver.firstAt);
    await pipelineSettled(this.stack.kafka, [this.stack.tenantId], 120_000);
    return { eventsPerSecond: rate, deliveriesPerSecond: rate };
  }

  /** Events per second ingestion accepts over HTTP (202 = durably in Kafka), batches of 100, 8 in flight. */
  async httpIngestion(dataSources: string[], events: number): Promise<{ eventsPerSecond: number }> {
    this.receiver.reset();
    let remaining = events;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (remaining > 0) {
          const n = Math.min(100, remaining);
          remaining -= n;
          const res = await fetch(`${this.stack.services.url('ingestion')}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': this.stack.apiKey },
            body: JSON.stringify({ events: Array.from({ length: n }, (_, i) => benchEvent(dataSources[i % dataSources.length])) }),
          });
          if (res.status !== 202) throw new Error(`ingestion: HTTP ${res.status}`);
        }
      }),
    );
    const eventsPerSecond = perSecond(events, performance.now() - started);
    await until(() => this.receiver.count >= events, 600_000, 'HTTP-ingested callbacks');
    await pipelineSettled(this.stack.kafka, [this.stack.tenantId], 120_000);
    return { eventsPerSecond };
  }

  /** Publish-to-callback latency at a steady `rate` for `seconds`, and where it goes, hop by hop. */
  async latencyAt(dataSources: string[], rate: number, seconds: number): Promise<Latency & { hops: Record<Hop, Latency> }> {
    this.receiver.reset();
    let n = 0;
    await paced(rate, seconds, (count) => this.publishOnKafka(Array.from({ length: count }, () => benchEvent(dataSources[n++ % dataSources.length]))));
    await until(() => this.receiver.count >= n, 300_000, 'paced callbacks');
    await pipelineSettled(this.stack.kafka, [this.stack.tenantId], 120_000);
    return { ...latency(this.receiver.latencies), hops: await this.hops(new Map(this.receiver.arrivals)) };
  }

  /**
   * Each hop's share, from the record timestamps of the topics between the services (each set
   * by its producer's clock, the same clock as the receiver's on this one machine): when an event
   * reached the ingest topic, the events topic, the deliveries topic, and its callback arrived.
   */
  private async hops(arrivals: Map<string, number>): Promise<Record<Hop, Latency>> {
    const stamps = async (topic: 'ingest' | 'events' | 'deliveries', idOf: (value: { id?: string; eventId?: string }) => string | undefined) => {
      const at = new Map<string, number>();
      for (const record of await this.stack.kafka.readAll(topic)) {
        const id = idOf(JSON.parse(record.value ?? '{}'));
        if (id && arrivals.has(id)) at.set(id, record.timestamp);
      }
      return at;
    };
    const ingest = await stamps('ingest', (v) => v.id);
    const events = await stamps('events', (v) => v.id);
    const deliveries = await stamps('deliveries', (v) => v.eventId);
    const between = (from: Map<string, number>, to: Map<string, number>) =>
      latency([...arrivals.keys()].flatMap((id) => (from.has(id) && to.has(id) ? [to.get(id)! - from.get(id)!] : [])));
    return {
      ingestion: between(ingest, events),
      evaluator: between(events, deliveries),
      dispatcherToReceiver: between(deliveries, arrivals),
    };
  }

  /** One event matching `subscriptions` subscriptions: time until the last callback arrives. */
  async fanOut(subscriptions: number): Promise<{ subscriptions: number; setupSeconds: number; subscribeCallsPerSecond: number; lastCallbackMs: number }> {
    const setupStarted = performance.now();
    // 32 calls in flight, each a 201 once the registry has stored the subscription.
    const { callsPerSecond: subscribeCallsPerSecond } = await this.subscribe(['ds-fan'], subscriptions);
    const setupSeconds = Math.round((performance.now() - setupStarted) / 100) / 10;
    this.receiver.reset();
    const started = Date.now();
    await this.publishOnKafka([benchEvent('ds-fan')]);
    await until(() => this.receiver.count >= subscriptions, 600_000, 'fan-out callbacks');
    const lastCallbackMs = this.receiver.lastAt - started;
    await pipelineSettled(this.stack.kafka, [this.stack.tenantId], 120_000);
    return { subscriptions, setupSeconds, subscribeCallsPerSecond, lastCallbackMs };
  }

  /**
   * The evaluator's events per second with `unrelated` subscriptions of other tenants in its
   * index: events that match none are evaluated (index lookup included) as fast as it can.
   */
  async matching(unrelated: number, events: number): Promise<{ unrelatedSubscriptions: number; eventsPerSecond: number }> {
    await this.seedUnrelated(unrelated);
    const started = performance.now();
    await this.publishOnKafka(Array.from({ length: events }, (_, n) => benchEvent(`ds-nobody-${n % 50}`)));
    await this.stack.kafka.waitForGroup(this.stack.kafka.groupId('tripline-ingestion', 'ingest'), 'ingest', 300_000);
    await this.stack.kafka.waitForGroup(this.stack.kafka.groupId('tripline-evaluator', 'events'), 'events', 300_000);
    return { unrelatedSubscriptions: unrelated, eventsPerSecond: perSecond(events, performance.now() - started) };
  }

  private seeded = 0;

  /** Subscriptions of other tenants, written straight onto the changes topic (as the registry would). */
  private async seedUnrelated(total: number): Promise<void> {
    const missing = total - this.seeded;
    if (missing <= 0) return;
    const changes: Array<{ key: string; value: string }> = [];
    for (let i = 0; i < missing; i++) {
      const { subscription } = subscriptionFixture(randomUUID(), 'https://203.0.113.10/unrelated', { params: { dataSourceId: `other-${i}` } });
      changes.push({ key: subscription.id, value: JSON.stringify({ change: 'created', subscription: subscription satisfies Subscription }) });
    }
    for (let i = 0; i < changes.length; i += 5_000) await this.stack.kafka.publishRaw('subscriptionChanges', changes.slice(i, i + 5_000));
    this.seeded = total;
    await this.stack.kafka.waitForGroup(this.stack.kafka.groupId('tripline-evaluator', 'subscription-changes'), 'subscriptionChanges', 600_000);
    // The dispatcher reads the same changes (it checks each sealed URL opens, 12 us apiece):
    // matching is measured once it is done, not while it competes for the cores.
    await this.stack.kafka.waitForGroup(this.stack.kafka.groupId('tripline-dispatcher', 'endpoints'), 'subscriptionChanges', 600_000);
  }

  /** One of the delivery requests the evaluator wrote, as it is on the topic: the baselines' messages are copies of it. */
  async deliveryRequest(): Promise<{ value: string; deliveryId: string; eventId: string }> {
    const [record] = await this.stack.kafka.readAll('deliveries');
    if (!record?.value) throw new Error('no delivery request on the deliveries topic yet');
    const { deliveryId, eventId } = JSON.parse(record.value) as { deliveryId: string; eventId: string };
    return { value: record.value, deliveryId, eventId };
  }

  /** Resident memory of each service, in MB. */
  memory(): Record<ServiceName, number> {
    const rss = {} as Record<ServiceName, number>;
    for (const name of SERVICES) {
      const pid = this.stack.services.running.get(name)?.child.pid;
      const status = pid ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
      rss[name] = Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    }
    return rss;
  }
}
