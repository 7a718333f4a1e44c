import {
  describeReconciliation,
  exitedServices,
  killService,
  pipelineSettled,
  query,
  reconcileDeliveries,
  refreshEvent,
  RestartableReceiver,
  serviceLogTail,
  SERVICES,
  startBroker,
  startPostgres,
  startStack,
  stopBroker,
  stopPostgres,
  json,
  type CallbackReceiver,
  type DeliveryReconciliation,
  type LocalCluster,
  type ReceivedCallback,
  type ServiceName,
  type ServiceProcesses,
  type TestKafka,
  type TestStack,
} from '@tripline/testing';

/** A short schedule (10 attempts, ~15 s in all) without jitter, so spacing can be checked exactly. */
const RETRY_SCHEDULE_MS = [0, 200, 500, 1000, 2000, 2000, 2000, 2000, 2000, 2000];
const DISPATCH_TIMEOUT_MS = 3000;
/** Room for a killed dispatcher's leases (2 × timeout + 5 s) and a consumer group's rebalance. */
const SETTLE_MS = 90_000;
const TEST_MS = 150_000;

type Event = ReturnType<typeof refreshEvent>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a condition (no fixed sleeps): resolves when it holds, fails naming what was awaited. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await pause(25);
  }
}

const events = (tag: string, dataSourceId: string, count: number): Event[] =>
  Array.from({ length: count }, (_, i) => refreshEvent({ dataSourceId }, `${tag}-${String(i).padStart(3, '0')}`));
const ids = (list: Event[]) => list.map((e) => e.id);

/**
 * A producer publishing fresh events in small batches until stopped. `send` retries until the
 * batch is acknowledged, as a producer must, so every id in `accepted` has to reach the receivers.
 */
class EventFlow {
  readonly accepted: string[] = [];
  readonly failures: string[] = [];
  private running = true;
  private error?: Error;
  private readonly done: Promise<void>;

  constructor(
    tag: string,
    dataSourceId: string,
    send: (batch: Event[], failures: string[]) => Promise<void>,
    batchSize = 2,
  ) {
    this.done = (async () => {
      for (let n = 0; this.running; n++) {
        const batch = events(`${tag}-${String(n).padStart(3, '0')}`, dataSourceId, batchSize);
        await send(batch, this.failures);
        this.accepted.push(...ids(batch));
        await pause(50); // a steady trickle (~40 events/s), not a flood
      }
    })().catch((error: Error) => {
      this.error = error;
    });
  }

  /** Resolves once `count` more events than now have been accepted. */
  async more(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.accepted.length + count;
    await until(`${count} more events are accepted`, () => this.throwIfFailed() || this.accepted.length >= target, timeoutMs);
  }

  async stop(): Promise<string[]> {
    this.running = false;
    await this.done;
    this.throwIfFailed();
    return this.accepted;
  }

  private throwIfFailed(): false {
    if (this.error) throw this.error;
    return false;
  }
}

/**
 * Fault injection through the five services as processes, the real broker and the real
 * database: each test publishes a known set of events, injects a fault, repairs it, waits for
 * the pipeline to settle and reconciles by event id what the receivers got: nothing missing,
 * duplicates only as the same delivery (one webhook-id).
 */
describe('Tripline under faults: killed services, broker and database restarts, failing receivers', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;
  /** Per callback path, how the receiver answers (200 when not set). */
  const replies = new Map<string, (callback: ReceivedCallback) => number | Promise<number>>();

  /** Releases of held answers: a test that fails while holding some must not leave them hanging. */
  const holds: Array<() => void> = [];
  /** An answer held until `release()` is called. */
  function hold(status = 200): { answer: Promise<number>; release: () => void } {
    let release!: () => void;
    const answer = new Promise<number>((resolve) => (release = () => resolve(status)));
    holds.push(release);
    return { answer, release };
  }

  const at = (path: string) => receiver.received.filter((c) => c.path === path);

  async function subscribe(path: string, dataSourceId: string, callbackUrl = receiver.url(path)): Promise<string> {
    const res = await fetch(`${services.url('gateway')}/v1/subscriptions/data-source-refresh-failed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ callbackUrl, dataSourceId }),
    });
    expect(res.status).toBe(201);
    return (await json(res)).id;
  }

  /** Publishes on the Kafka ingest topic, retrying until acknowledged (acks=all). */
  async function publishOnKafka(batch: Event[], failures: string[] = []): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        await kafka.publishRaw('ingest', batch.map((e) => ({ key: `${tenantId}:${e.id}`, value: JSON.stringify({ ...e, tenantId }) })));
        return;
      } catch (error) {
        failures.push(`kafka: ${(error as Error).message}`);
        if (Date.now() > deadline) throw error;
        await pause(200);
      }
    }
  }

  /** POSTs to ingestion as a producer does: anything but 202 (an error, a 5xx, no answer) is retried. */
  async function postUntilAccepted(batch: Event[], failures: string[] = []): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      let outcome: string;
      try {
        const res = await fetch(`${services.url('ingestion')}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: JSON.stringify({ events: batch }),
          // Longer than ingestion takes to give up on a broker that is down (it answers 500 after its retries).
          signal: AbortSignal.timeout(20_000),
        });
        const body = await res.text();
        if (res.status === 202) return;
        outcome = `HTTP ${res.status} ${body}`;
        if (res.status < 500 && res.status !== 408 && res.status !== 429) throw new Error(`ingestion refused a valid batch: ${outcome}`);
      } catch (error) {
        const e = error as Error & { cause?: { code?: string; message?: string } };
        if (e.message.startsWith('ingestion refused')) throw e;
        outcome = `${e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`;
      }
      failures.push(outcome);
      if (Date.now() > deadline) throw new Error(`ingestion did not accept a batch within 90 s; last: ${outcome}`);
      await pause(200);
    }
  }

  /** What a failure message shows of a service that is not well: its consumer crashes and restarts, then its last lines. */
  const diagnose = (name: ServiceName) => `${serviceLogTail(name, 30, /Crash:|Restarting the consumer/)}\n${serviceLogTail(name, 10)}`;

  /** Every service still running on its own; a crash is a finding, reported with its log. */
  function expectServicesAlive(): void {
    const exited = exitedServices(services);
    if (exited.length > 0) {
      throw new Error(
        `services died: ${exited.map((s) => `${s.name} (code ${s.code}, signal ${s.signal})`).join(', ')}\n` +
          exited.map((s) => diagnose(s.name)).join('\n'),
      );
    }
  }

  /** What each service's /health/ready says ('ready', or why not). */
  async function readiness(): Promise<Record<string, string>> {
    const states: Record<string, string> = {};
    for (const name of SERVICES) {
      try {
        const res = await fetch(`${services.url(name)}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        states[name] = res.ok ? 'ready' : `${res.status} ${await res.text()}`;
      } catch (error) {
        states[name] = `no answer: ${(error as Error).message}`;
      }
    }
    return states;
  }

  /** Waits until all five services report ready again, on their own; fails with the reports and logs of the others. */
  async function expectAllReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let states = await readiness();
    while (Object.values(states).some((s) => s !== 'ready')) {
      if (Date.now() > deadline) {
        const broken = SERVICES.filter((name) => states[name] !== 'ready');
        throw new Error(`not ready ${timeoutMs / 1000} s after the fault was repaired: ${JSON.stringify(states)}\n${broken.map(diagnose).join('\n')}`);
      }
      await pause(200);
      states = await readiness();
    }
  }

  async function settleAndReconcile(expected: Record<string, readonly string[]>, received = receiver.received): Promise<DeliveryReconciliation> {
    expectServicesAlive();
    try {
      await pipelineSettled(kafka, [tenantId], SETTLE_MS);
    } catch (error) {
      const states = await readiness();
      const broken = SERVICES.filter((name) => states[name] !== 'ready');
      throw new Error(`${(error as Error).message}\nreadiness: ${JSON.stringify(states)}\n${broken.map(diagnose).join('\n')}`);
    }
    const report = reconcileDeliveries(expected, received);
    process.stderr.write(`[faults] ${expect.getState().currentTestName}: ${describeReconciliation(report)}\n`);
    expect(report.problems).toEqual([]);
    return report;
  }

  beforeAll(async () => {
    stack = await startStack('faults', {
      DISPATCH_RETRY_SCHEDULE: RETRY_SCHEDULE_MS.map((ms) => `${ms}ms`).join(','),
      DISPATCH_RETRY_JITTER: '0',
      DISPATCH_TIMEOUT: `${DISPATCH_TIMEOUT_MS}ms`,
      // The flows below send a few hundred callbacks to one endpoint: the default 50/s would make the tests slower, not stricter.
      DISPATCH_ENDPOINT_RATE: '1000',
    });
    ({ services, receiver, kafka, apiKey, tenantId } = stack);
    receiver.respondWith((c) => replies.get(c.path)?.(c) ?? 200);
  });

  /** A test that fails halfway must not leave the broker or the database down for the next ones. */
  let brokerDown = false;
  let postgresDown: LocalCluster | undefined;
  beforeEach(async () => {
    // Each test starts from five ready services, whatever a failed test before it left broken.
    const settled = await expectAllReady(30_000).then(
      () => true,
      () => false,
    );
    if (settled) return;
    const states = await readiness();
    for (const name of SERVICES) {
      if (states[name] === 'ready') continue;
      process.stderr.write(`[faults] ${name} not ready before "${expect.getState().currentTestName}" (${states[name]}): restarting it\n`);
      await services.stop(name);
      await services.start(name);
    }
  });
  afterEach(async () => {
    if (brokerDown) await startBroker();
    brokerDown = false;
    if (postgresDown) await startPostgres(postgresDown);
    postgresDown = undefined;
    replies.clear();
    for (const release of holds.splice(0)) release();
  });

  afterAll(async () => stack?.stop());

  it('kill -9 of the dispatcher with callbacks in flight: after a restart every event arrives, re-sent ones with the same webhook-id', async () => {
    await subscribe('/dk-held', 'ds-dk');
    await subscribe('/dk-free', 'ds-dk');
    // /dk-held answers nothing until the dispatcher is dead: those callbacks are in flight when it dies.
    const held = hold();
    replies.set('/dk-held', () => held.answer);

    const before = events('dk-before', 'ds-dk', 30);
    await publishOnKafka(before);
    await until('5 callbacks are held in flight', () => at('/dk-held').length >= 5);
    await killService(services, 'dispatcher');
    const inFlight = [...new Set(at('/dk-held').map((c) => (c.json as { eventId: string }).eventId))];
    replies.delete('/dk-held');
    held.release(); // answers on sockets the dead dispatcher no longer reads

    const during = events('dk-during', 'ds-dk', 20);
    await publishOnKafka(during);
    await services.start('dispatcher');
    const after = events('dk-after', 'ds-dk', 10);
    await publishOnKafka(after);

    const all = ids([...before, ...during, ...after]);
    const report = await settleAndReconcile({ '/dk-held': all, '/dk-free': all });
    // The attempts cut by the kill were never recorded: each was made again, its request consumed
    // again from Kafka (killed within DISPATCH_RECORD_AFTER of the attempt) or once its lease ended.
    expect(inFlight.length).toBeGreaterThanOrEqual(5);
    for (const eventId of inFlight) expect(report.duplicates['/dk-held']?.[eventId]).toBeGreaterThanOrEqual(2);
  }, TEST_MS);

  it('kill -9 of the evaluator while events flow: restarted, it evaluates everything published meanwhile', async () => {
    await subscribe('/ek', 'ds-ek');
    const flow = new EventFlow('ek', 'ds-ek', (batch, failures) => publishOnKafka(batch, failures));
    await until('the flow reaches the receiver', () => at('/ek').length >= 10);
    await killService(services, 'evaluator');
    await flow.more(20); // events keep coming while no evaluator runs
    await services.start('evaluator');
    await flow.more(20);
    const accepted = await flow.stop();
    await settleAndReconcile({ '/ek': accepted });
  }, TEST_MS);

  it('kill -9 of ingestion while events flow over HTTP and Kafka: producers retry, nothing accepted is lost', async () => {
    await subscribe('/ik', 'ds-ik');
    const overHttp = new EventFlow('ik-http', 'ds-ik', (batch, failures) => postUntilAccepted(batch, failures));
    const overKafka = new EventFlow('ik-kafka', 'ds-ik', (batch, failures) => publishOnKafka(batch, failures));
    await until('the flows reach the receiver', () => at('/ik').length >= 10);
    const failuresBefore = overHttp.failures.length;
    await killService(services, 'ingestion');
    await until('a producer posting over HTTP has been turned away by the dead ingestion', () => overHttp.failures.length > failuresBefore);
    await overKafka.more(20); // the ingest topic keeps taking events while no ingestion runs
    await services.start('ingestion');
    await overHttp.more(20);
    await overKafka.more(20);
    const accepted = [...(await overHttp.stop()), ...(await overKafka.stop())];
    await settleAndReconcile({ '/ik': accepted });
  }, TEST_MS);

  it('the Kafka broker stopped and restarted while events flow: everything ingestion accepted is delivered', async () => {
    await subscribe('/bk', 'ds-bk');
    const before = events('bk-before', 'ds-bk', 10);
    await postUntilAccepted(before);

    await stopBroker();
    brokerDown = true;
    const overHttp = new EventFlow('bk-http', 'ds-bk', (batch, failures) => postUntilAccepted(batch, failures), 2);
    await until('ingestion has turned away a post while Kafka is down', () => overHttp.failures.length >= 1);
    // A load balancer must see it too: every service's readiness names the broker as what is wrong.
    await until('every service reports the broker unreachable', async () =>
      Object.values(await readiness()).every((state) => state.startsWith('503') && state.includes('"kafkaBroker":false')),
    );
    const duringOutage = [...overHttp.failures];
    const acceptedDuringOutage = overHttp.accepted.length;
    await startBroker();
    brokerDown = false;
    process.stderr.write(`[faults] ingestion's answers while Kafka was down: ${JSON.stringify(duringOutage)}\n`);
    await expectAllReady(); // every consumer is back in its group, on its own

    await overHttp.more(10);
    const after = events('bk-after', 'ds-bk', 10);
    await postUntilAccepted(after);
    const afterOnKafka = events('bk-after-kafka', 'ds-bk', 10);
    await publishOnKafka(afterOnKafka);
    const accepted = await overHttp.stop();

    await settleAndReconcile({ '/bk': [...ids(before), ...accepted, ...ids(after), ...ids(afterOnKafka)] });
    // Nothing was acknowledged while the broker was down (202 means durably in Kafka).
    expect(acceptedDuringOutage).toBe(0);
  }, TEST_MS);

  it('Postgres restarted while deliveries are recorded: the services recover on their own and every event arrives', async () => {
    await subscribe('/pg-held', 'ds-pg');
    await subscribe('/pg-slow', 'ds-pg');
    // /pg-held answers only once Postgres is down, so those attempts end when nothing can record them;
    // /pg-slow answers every callback after 300 ms, so many more are in flight around the restart.
    const held = hold();
    let answeredWhileDown = 0;
    replies.set('/pg-held', () => held.answer.then((status) => (postgresDown && answeredWhileDown++, status)));
    replies.set('/pg-slow', () => pause(300).then(() => 200));

    const published = events('pg', 'ds-pg', 60);
    await publishOnKafka(published);
    await until('callbacks are in flight', () => at('/pg-held').length >= 5 && at('/pg-slow').length >= 5);
    postgresDown = await stopPostgres();
    const heldWhenStopped = at('/pg-held').length;
    held.release();
    await until('the held callbacks are answered while Postgres is down', () => answeredWhileDown >= heldWhenStopped);
    await startPostgres(postgresDown);
    postgresDown = undefined;
    expectServicesAlive();
    await expectAllReady();

    const more = events('pg-after', 'ds-pg', 10);
    await publishOnKafka(more);
    const all = ids([...published, ...more]);
    const report = await settleAndReconcile({ '/pg-held': all, '/pg-slow': all });
    // The attempts answered while nothing could record them were made again, as the same deliveries.
    const heldIds = [...new Set(at('/pg-held').slice(0, heldWhenStopped).map((c) => (c.json as { eventId: string }).eventId))];
    for (const eventId of heldIds) expect(report.duplicates['/pg-held']?.[eventId]).toBeGreaterThanOrEqual(2);
  }, TEST_MS);

  it('a receiver down, then answering 500, then recovering: all delivered after retries, spaced per the schedule', async () => {
    const flaky = await new RestartableReceiver().start();
    try {
      const subscriptionId = await subscribe('/flaky', 'ds-flaky', flaky.url('/flaky'));
      await flaky.stop(); // down: connection refused
      const published = events('flaky', 'ds-flaky', 5);
      await postUntilAccepted(published);

      const attemptsSoFar = () =>
        query<{ event_id: string; attempts: number }>(
          `SELECT d.event_id, count(a.id)::int AS attempts FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
           WHERE d.subscription_id = $1::uuid GROUP BY d.event_id`,
          [subscriptionId],
        );
      await until('every delivery has failed twice against the closed port', async () => {
        const rows = await attemptsSoFar();
        return rows.length === published.length && rows.every((r) => r.attempts >= 2);
      });

      flaky.respondWith(() => 500);
      await flaky.start();
      await until('every event has been answered 500 twice', () =>
        ids(published).every((id) => flaky.received.filter((c) => (c.json as { eventId: string }).eventId === id).length >= 2),
      );
      flaky.respondWith(() => 200);
      await settleAndReconcile({ '/flaky': ids(published) }, flaky.received);

      const attempts = await query<{ event_id: string; status: string; attempt_number: number; started_at: Date; status_code: number | null; error: string | null }>(
        `SELECT d.event_id, d.status, a.attempt_number, a.started_at, a.status_code, a.error
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
         WHERE d.subscription_id = $1::uuid ORDER BY d.event_id, a.attempt_number`,
        [subscriptionId],
      );
      for (const id of ids(published)) {
        const mine = attempts.filter((a) => a.event_id === id);
        expect(mine[0].status).toBe('delivered');
        // Refused connections, then 500s, then the 200 that ended it: in that order, within the schedule.
        const phases = mine.map((a) => (a.status_code === null ? 'down' : String(a.status_code)));
        expect(phases.join(' ')).toMatch(/^(down )+(500 )+200$/);
        expect(mine.length).toBeLessThanOrEqual(RETRY_SCHEDULE_MS.length);
        expect(mine.map((a) => a.attempt_number)).toEqual(mine.map((_, i) => i + 1));
        // Each retry started at least its scheduled delay after the attempt before it started.
        const early = mine
          .slice(1)
          .map((a, i) => ({ attempt: a.attempt_number, waitedMs: a.started_at.getTime() - mine[i].started_at.getTime(), scheduledMs: RETRY_SCHEDULE_MS[i + 1] }))
          .filter((gap) => gap.waitedMs < gap.scheduledMs);
        expect({ eventId: id, early }).toEqual({ eventId: id, early: [] });
      }
    } finally {
      await flaky.stop();
    }
  }, TEST_MS);

  it('a receiver that hangs: its attempt times out, another endpoint of the same event is served meanwhile', async () => {
    const hangId = await subscribe('/hang', 'ds-hang');
    await subscribe('/hang-other', 'ds-hang');
    // The first callback to /hang gets no answer at all; the retry gets a 200.
    const held = hold();
    replies.set('/hang', () => (at('/hang').length === 1 ? held.answer : 200));
    const [event] = events('hang', 'ds-hang', 1);
    await postUntilAccepted([event]);

    const firstAttempt = () =>
      query<{ started_at: Date; duration_ms: number; error: string | null; status_code: number | null }>(
        `SELECT a.started_at, a.duration_ms, a.error, a.status_code FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
         WHERE d.subscription_id = $1::uuid AND a.attempt_number = 1`,
        [hangId],
      );
    await until('the hanging attempt is recorded', async () => (await firstAttempt()).length > 0);
    const [first] = await firstAttempt();
    expect(first).toMatchObject({ status_code: null, error: `timed out after ${DISPATCH_TIMEOUT_MS} ms` });
    // The other endpoint got its callback while the hanging one was still waiting for an answer.
    const other = at('/hang-other');
    expect(other).toHaveLength(1);
    expect(other[0].receivedAt).toBeLessThan(first.started_at.getTime() + first.duration_ms);
    held.release();

    const report = await settleAndReconcile({ '/hang': [event.id], '/hang-other': [event.id] });
    expect(report.duplicates['/hang']).toEqual({ [event.id]: 2 }); // the timed-out attempt, then the retry
  }, TEST_MS);
});
