import type { EventInput } from '@tripline/contracts';
import {
  fullRefreshEvent,
  json,
  measureEvent,
  pipelineSettled,
  segmentEvent,
  startStack,
  unificationEvent,
  type CallbackReceiver,
  type Json,
  type ServiceProcesses,
  type TestKafka,
  type TestStack,
} from '@tripline/testing';

/**
 * Every trigger beyond the refresh ones, through the five running services: subscribe over the
 * gateway, publish the events that should and should not fire, and assert exactly the callbacks.
 */
describe('Tripline end to end: threshold, full refresh and unification triggers', () => {
  let stack: TestStack;
  let services: ServiceProcesses;
  let receiver: CallbackReceiver;
  let kafka: TestKafka;
  let apiKey: string;
  let tenantId: string;

  async function subscribe(path: string, trigger: string, params: Record<string, unknown> = {}): Promise<string> {
    const res = await fetch(`${services.url('gateway')}/v1/subscriptions/${trigger}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ callbackUrl: receiver.url(path), ...params }),
    });
    expect(res.status).toBe(201);
    return (await json(res)).id;
  }

  /** Half over HTTP, half over the Kafka ingest topic: both roads lead to the same pipeline. */
  async function publish(...events: EventInput[]) {
    const res = await fetch(`${services.url('ingestion')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    await pipelineSettled(kafka, [tenantId]);
  }
  async function publishOnKafka(...events: EventInput[]) {
    await kafka.publishRaw('ingest', events.map((e) => ({ key: tenantId, value: JSON.stringify({ ...e, tenantId }) })));
    await pipelineSettled(kafka, [tenantId]);
  }

  /** [path, previous, new] of threshold callbacks, in a stable order. */
  const crossings = (path: string) =>
    receiver
      .at(path)
      .map((c) => [(c.json as Json).previousValue, (c.json as Json).newValue])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  beforeAll(async () => {
    stack = await startStack('e2e-triggers');
    ({ services, receiver, kafka, apiKey, tenantId } = stack);
  });
  afterAll(async () => stack?.stop());

  describe('segment threshold crossed', () => {
    it('fires on each real crossing above the threshold, and on nothing else', async () => {
      const subscriptionId = await subscribe('/seg-100', 'segment-threshold-crossed', { segmentId: 'seg-vip', threshold: 100 });
      // Baseline 80; 120 crosses; 130 stays above; 100 is equal (not above); 101 crosses again.
      await publish(segmentEvent('seg-vip', 80, 0), segmentEvent('seg-vip', 120, 1), segmentEvent('seg-vip', 130, 2));
      await publishOnKafka(segmentEvent('seg-vip', 100, 3), segmentEvent('seg-vip', 101, 4));
      expect(crossings('/seg-100')).toEqual([
        [80, 120],
        [100, 101],
      ]);
      const first = receiver.at('/seg-100').find((c) => (c.json as Json).newValue === 120)!;
      expect(first.json).toMatchObject({
        trigger: 'segment-threshold-crossed',
        tenantId,
        subscriptionId,
        segmentId: 'seg-vip',
        segmentName: 'Segment seg-vip',
        threshold: 100,
        previousValue: 80,
        newValue: 120,
      });
    });

    it('fires nothing for a stale observation or a duplicate of one already delivered', async () => {
      const before = receiver.at('/seg-100').length;
      const late = segmentEvent('seg-vip', 50, 2); // older than the last applied (minute 4)
      const rise = segmentEvent('seg-vip', 500, 10); // above → above: nothing
      await publish(late, rise);
      await publishOnKafka(rise); // the same event again
      expect(receiver.at('/seg-100')).toHaveLength(before);
    });

    it('fires above → below → above twice, and two subscriptions at their own thresholds', async () => {
      await subscribe('/seg-low', 'segment-threshold-crossed', { segmentId: 'seg-mix', threshold: 10 });
      await subscribe('/seg-high', 'segment-threshold-crossed', { segmentId: 'seg-mix', threshold: 20 });
      await publish(...[5, 15, 25, 8, 30].map((count, minute) => segmentEvent('seg-mix', count, minute)));
      expect(crossings('/seg-low')).toEqual([
        [5, 15],
        [8, 30],
      ]);
      expect(crossings('/seg-high')).toEqual([
        [8, 30],
        [15, 25],
      ]);
    });
  });

  describe('measure threshold crossed', () => {
    it('fires when the value rises above a fractional threshold, once per crossing', async () => {
      await subscribe('/churn', 'measure-threshold-crossed', { measureId: 'm-churn', threshold: 0.05 });
      await publish(...[0.04, 0.05, 0.051, 0.07, 0.03, 0.06].map((value, minute) => measureEvent('m-churn', value, minute)));
      expect(crossings('/churn')).toEqual([
        [0.03, 0.06],
        [0.05, 0.051],
      ]);
      expect(receiver.at('/churn')[0].json).toMatchObject({ trigger: 'measure-threshold-crossed', measureId: 'm-churn', measureName: 'Measure m-churn', threshold: 0.05 });
    });
  });

  describe('full refresh completed', () => {
    it('fires once per scheduled full run; manual runs only with includeManual; partial runs never', async () => {
      await subscribe('/full-scheduled', 'full-refresh-completed');
      await subscribe('/full-any', 'full-refresh-completed', { includeManual: true });
      const scheduled = fullRefreshEvent({ runId: 'run-nightly', trigger: 'scheduled' });
      const reportedAgain = { ...fullRefreshEvent({ runId: 'run-nightly', trigger: 'scheduled' }) }; // another event, same run
      const manual = fullRefreshEvent({ runId: 'run-by-hand', trigger: 'manual', status: 'succeeded' });
      const partial = fullRefreshEvent({ runId: 'run-partial', scope: 'partial' });
      await publish(scheduled, manual, partial);
      await publishOnKafka(reportedAgain);

      expect(receiver.at('/full-scheduled').map((c) => (c.json as Json).runId)).toEqual(['run-nightly']);
      expect(receiver.at('/full-any').map((c) => (c.json as Json).runId).sort()).toEqual(['run-by-hand', 'run-nightly']);
      expect(receiver.at('/full-scheduled')[0].json).toMatchObject({
        trigger: 'full-refresh-completed',
        runId: 'run-nightly',
        runTrigger: 'scheduled',
        status: 'partially_succeeded',
        componentCount: 4,
        failedComponentCount: 1,
        components: expect.arrayContaining([{ kind: 'segment', id: 'seg-vip', name: 'VIP', status: 'failed' }]),
      });
    });
  });

  describe('unification completed', () => {
    it('fires once per completed run, with the status of each stage', async () => {
      await subscribe('/unification', 'unification-completed');
      const run = unificationEvent({
        runId: 'uni-42',
        status: 'failed',
        stages: { map: { status: 'succeeded' }, match: { status: 'succeeded' }, merge: { status: 'failed' } },
      });
      await publish(run);
      await publishOnKafka({ ...run, id: `${run.id}-resent` });
      expect(receiver.at('/unification').map((c) => c.json)).toEqual([
        expect.objectContaining({ trigger: 'unification-completed', runId: 'uni-42', status: 'failed', mapStatus: 'succeeded', matchStatus: 'succeeded', mergeStatus: 'failed' }),
      ]);
    });
  });

  it('the actions return what the events said', async () => {
    const get = async (path: string) => json(await fetch(`${services.url('gateway')}${path}`, { headers: { 'x-api-key': apiKey } }));
    await kafka.waitForGroup(kafka.groupId('tripline-gateway', 'read-model'), 'events');
    expect((await get('/v1/segments')).segments).toEqual(
      expect.arrayContaining([expect.objectContaining({ segmentId: 'seg-vip', memberCount: 500 }), expect.objectContaining({ segmentId: 'seg-mix', memberCount: 30 })]),
    );
    expect((await get('/v1/measures')).measures).toEqual([expect.objectContaining({ measureId: 'm-churn', value: 0.06 })]);
    const runs = (await get('/v1/refresh-runs')).refreshRuns.map((r: Json) => `${r.kind}:${r.runId}`);
    expect(runs.sort()).toEqual(['full:run-by-hand', 'full:run-nightly', 'partial:run-partial', 'unification:uni-42']);
  });
});
