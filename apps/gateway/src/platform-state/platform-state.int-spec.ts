import { eventPartitionKey, type AcceptedEvent, type EventInput } from '@tripline/contracts';
import {
  createTenant,
  fullRefreshEvent,
  isolatedNamespace,
  json,
  measureEvent,
  refreshEvent,
  segmentEvent,
  startInProcess,
  TestKafka,
  unificationEvent,
  type Json,
  type RunningService,
  type TestTenant,
} from '@tripline/testing';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';

/** 250 segments, seg-000..seg-249; every tenth (seg-007, seg-017, ...) is a VIP one, so matches run past the first page. */
const MANY_SEGMENTS = Array.from({ length: 250 }, (_, i) => {
  const id = `seg-${String(i).padStart(3, '0')}`;
  return [id, i % 10 === 7 ? `VIP customers ${i}` : `Segment ${i}`] as const;
});
/** Names and ids with LIKE's wildcards and escape character in them, and near-misses for each. */
const ODD_SEGMENTS = [
  ['pct-exact', '100% done'],
  ['pct-near', '100 percent done'],
  ['snake_case', 'Snake case'],
  ['snakeXcase', 'Snake X case'],
  ['path-win', 'C:\\exports'],
  ['path-unix', 'C:/exports'],
] as const;
const named = (event: ReturnType<typeof segmentEvent>, segmentName: string) => ({ ...event, data: { ...event.data, segmentName } });

describe('the actions: the data platform as the events told it, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('actions');
  let gateway: RunningService;
  let kafka: TestKafka;
  let tenant: TestTenant;
  let other: TestTenant;
  let searcher: TestTenant;

  const get = async (path: string, key = tenant.apiKey): Promise<Json> => {
    const res = await fetch(`${gateway.baseUrl}${path}`, { headers: { 'x-api-key': key } });
    return { status: res.status, ...(await json(res)) };
  };

  async function happened(owner: TestTenant, ...events: EventInput[]) {
    const accepted = events.map((e) => ({ ...e, tenantId: owner.tenantId, receivedAt: new Date().toISOString(), source: 'http' }) as AcceptedEvent);
    await kafka.publish('events', accepted.map((e) => ({ key: eventPartitionKey(e), value: e })));
    await kafka.waitForGroup(kafka.groupId('tripline-gateway', 'read-model'), 'events');
  }

  beforeAll(async () => {
    [tenant, other, searcher] = await Promise.all([createTenant('actions'), createTenant('someone else'), createTenant('many segments')]);
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, { TRIPLINE_ADMIN_TOKEN: 'actions-test-admin-token-0123456789' });
    kafka = new TestKafka(namespace);
    await happened(
      tenant,
      refreshEvent({ dataSourceId: 'ds-a', dataSourceName: 'Accounts', status: 'succeeded', completedAt: '2026-11-26T08:00:00.000Z' }),
      refreshEvent({ dataSourceId: 'ds-b', dataSourceName: 'Billing', status: 'failed' }),
      refreshEvent({ dataSourceId: 'ds-c', dataSourceName: 'Contacts', status: 'timed_out' }),
      segmentEvent('seg-vip', 120, 1),
      segmentEvent('seg-churn', 40, 1),
      measureEvent('m-ltv', 1234.5, 1),
      fullRefreshEvent({ runId: 'full-1', completedAt: '2026-11-26T03:00:00.000Z', status: 'partially_succeeded' }),
      unificationEvent({ runId: 'uni-1', completedAt: '2026-11-26T04:00:00.000Z' }),
    );
    await happened(other, refreshEvent({ dataSourceId: 'ds-secret', dataSourceName: 'Not yours' }), segmentEvent('seg-secret', 1, 1));
    await happened(searcher, ...MANY_SEGMENTS.map(([id, name]) => named(segmentEvent(id, 1, 1), name)), ...ODD_SEGMENTS.map(([id, name]) => named(segmentEvent(id, 1, 1), name)));
  });
  afterAll(async () => {
    await kafka?.close();
    await gateway?.close();
  });

  it('lists data sources with their last refresh, filterable by status and name', async () => {
    const all = await get('/v1/data-sources');
    expect(all.dataSources.map((d: Json) => [d.dataSourceId, d.lastStatus])).toEqual([
      ['ds-a', 'succeeded'],
      ['ds-b', 'failed'],
      ['ds-c', 'timed_out'],
    ]);
    expect(all.dataSources[1]).toMatchObject({ name: 'Billing', lastErrorCode: 'SOURCE_AUTH', lastErrorMessage: 'credentials expired' });
    expect((await get('/v1/data-sources?status=failed')).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-b']);
    expect((await get('/v1/data-sources?name=CONT')).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-c']);
  });

  it('keeps the newest state: an older event arriving late does not overwrite it', async () => {
    await happened(tenant, segmentEvent('seg-vip', 150, 5), segmentEvent('seg-vip', 90, 3));
    const { segments } = await get('/v1/segments');
    expect(segments.find((s: Json) => s.segmentId === 'seg-vip')).toMatchObject({ memberCount: 150, name: 'Segment seg-vip' });
  });

  it('stores timestamps written with any offset, and keeps the newest by instant, not by how it is written', async () => {
    const offsets = await createTenant('offsets');
    const at = <E extends EventInput>(event: E, occurredAt: string): E => ({ ...event, occurredAt });
    await happened(
      offsets,
      // Year 0000 in local time is year 1 in UTC: within the contract, and Postgres must take it.
      refreshEvent({ dataSourceId: 'ds-year-one', startedAt: '0000-12-31T21:40:00-02:20', completedAt: '0000-12-31T21:40:00.123-02:20' }),
      // 10:30+02:00 is 08:30 UTC: earlier than 09:00Z, though it sorts later as text.
      at(measureEvent('m-offset', 2, 0), '2026-11-26T09:00:00Z'),
      at(measureEvent('m-offset', 1, 0), '2026-11-26T10:30:00+02:00'),
    );
    expect((await get('/v1/data-sources', offsets.apiKey)).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-year-one']);
    expect((await get('/v1/measures', offsets.apiKey)).measures.map((m: Json) => [m.measureId, m.value])).toEqual([['m-offset', 2]]);
  });

  it('lists segments and measures as the pickers need them (id and name)', async () => {
    expect((await get('/v1/segments')).segments.map((s: Json) => [s.segmentId, s.name])).toEqual([
      ['seg-churn', 'Segment seg-churn'],
      ['seg-vip', 'Segment seg-vip'],
    ]);
    expect((await get('/v1/measures')).measures).toEqual([expect.objectContaining({ measureId: 'm-ltv', name: 'Measure m-ltv', value: 1234.5 })]);
  });

  it('pages every list the same way, with an opaque cursor', async () => {
    const first = await get('/v1/data-sources?limit=2');
    expect(first.dataSources).toHaveLength(2);
    const second = await get(`/v1/data-sources?limit=2&cursor=${first.nextCursor}`);
    expect(second.dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-c']);
    expect(second.nextCursor).toBeNull();
    const bad = await get('/v1/data-sources?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.issues).toEqual([{ path: 'cursor', message: 'not a cursor from this list' }]);
    expect((await get('/v1/segments?limit=0')).status).toBe(400);
  });

  it('lists refresh runs newest first, with their components and stages, filterable by kind', async () => {
    const { refreshRuns } = await get('/v1/refresh-runs');
    expect(refreshRuns.map((r: Json) => [r.kind, r.runId])).toEqual([
      ['unification', 'uni-1'],
      ['full', 'full-1'],
    ]);
    expect(refreshRuns[1].components).toHaveLength(4);
    expect(refreshRuns[0].stages).toEqual({ map: { status: 'succeeded' }, match: { status: 'succeeded' }, merge: { status: 'succeeded' } });
    expect((await get('/v1/refresh-runs?kind=full')).refreshRuns.map((r: Json) => r.runId)).toEqual(['full-1']);
    const paged = await get('/v1/refresh-runs?limit=1');
    expect((await get(`/v1/refresh-runs?limit=1&cursor=${paged.nextCursor}`)).refreshRuns.map((r: Json) => r.runId)).toEqual(['full-1']);
  });

  it('summarizes the tenant\'s runs and failures in one status report', async () => {
    const report = await get('/v1/status-report');
    expect(report).toMatchObject({
      dataSources: { total: 3, byStatus: { succeeded: 1, failed: 1, timed_out: 1 } },
      latestFullRefresh: { runId: 'full-1', status: 'partially_succeeded' },
      latestUnification: { runId: 'uni-1' },
      segmentCount: 2,
      measureCount: 1,
    });
    expect(report.dataSources.failing.map((d: Json) => d.dataSourceId)).toEqual(['ds-b', 'ds-c']);
    expect(report.recentFailedRuns.map((r: Json) => r.runId)).toEqual(['full-1']);
  });

  it('never shows one tenant another tenant\'s state', async () => {
    expect((await get('/v1/data-sources', other.apiKey)).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-secret']);
    expect((await get('/v1/segments', other.apiKey)).segments.map((s: Json) => s.segmentId)).toEqual(['seg-secret']);
    expect((await get('/v1/status-report', other.apiKey)).latestFullRefresh).toBeNull();
  });

  describe('search text q: name or id, any case, across the whole tenant', () => {
    const ids = (page: Json) => page.segments.map((s: Json) => s.segmentId);
    const vips = MANY_SEGMENTS.filter(([, name]) => name.startsWith('VIP')).map(([id]) => id);

    it('finds every match by name, in any case, not only those on the first page', async () => {
      const found = await get('/v1/segments?q=vip%20CUSTOMERS', searcher.apiKey);
      expect(ids(found)).toEqual(vips);
      expect(vips.filter((id) => id > 'seg-099')).toHaveLength(15);
      expect(found.nextCursor).toBeNull();
    });

    it('finds by id, in any case', async () => {
      expect(ids(await get('/v1/segments?q=SEG-24', searcher.apiKey))).toEqual(['seg-240', 'seg-241', 'seg-242', 'seg-243', 'seg-244', 'seg-245', 'seg-246', 'seg-247', 'seg-248', 'seg-249']);
    });

    it('pages the matches with the cursor, q kept', async () => {
      const seen: string[] = [];
      let page = await get('/v1/segments?q=vip&limit=10', searcher.apiKey);
      seen.push(...ids(page));
      while (page.nextCursor) {
        expect(ids(page)).toHaveLength(10);
        page = await get(`/v1/segments?q=vip&limit=10&cursor=${page.nextCursor}`, searcher.apiKey);
        seen.push(...ids(page));
      }
      expect(seen).toEqual(vips);
    });

    it('takes %, _ and \\ literally', async () => {
      expect(ids(await get(`/v1/segments?q=${encodeURIComponent('100%')}`, searcher.apiKey))).toEqual(['pct-exact']);
      expect(ids(await get(`/v1/segments?q=${encodeURIComponent('e_c')}`, searcher.apiKey))).toEqual(['snake_case']);
      expect(ids(await get(`/v1/segments?q=${encodeURIComponent(':\\')}`, searcher.apiKey))).toEqual(['path-win']);
      expect(ids(await get(`/v1/segments?q=${encodeURIComponent('%')}`, searcher.apiKey))).toEqual(['pct-exact']);
    });

    it('composes with the other filters, on data sources and measures too', async () => {
      expect((await get('/v1/data-sources?q=DS-B')).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-b']);
      expect((await get('/v1/data-sources?q=co')).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-a', 'ds-c']);
      expect((await get('/v1/data-sources?q=co&status=timed_out')).dataSources.map((d: Json) => d.dataSourceId)).toEqual(['ds-c']);
      expect((await get('/v1/measures?q=LTV')).measures.map((m: Json) => m.measureId)).toEqual(['m-ltv']);
      expect((await get('/v1/measures?q=churn')).measures).toEqual([]);
    });

    it('never finds another tenant\'s entities', async () => {
      expect((await get('/v1/segments?q=secret')).segments).toEqual([]);
      expect((await get('/v1/data-sources?q=yours')).dataSources).toEqual([]);
      expect(ids(await get('/v1/segments?q=seg', other.apiKey))).toEqual(['seg-secret']);
    });

    it.each([
      ['an empty', ''],
      ['a blank', '%20%20'],
      ['a 201-character', 'x'.repeat(201)],
      ['a NUL-holding', 'a%00b'],
    ])('refuses %s q with a 400 naming q', async (_, q) => {
      for (const list of ['data-sources', 'segments', 'measures']) {
        const bad = await get(`/v1/${list}?q=${q}`);
        expect(bad.status).toBe(400);
        expect(bad.issues.map((i: Json) => i.path)).toEqual(['q']);
      }
    });
  });

  it('publishes a refresh request on the commands topic and answers 202', async () => {
    const post = (body: unknown) =>
      fetch(`${gateway.baseUrl}/v1/refresh-requests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': tenant.apiKey }, body: JSON.stringify(body) });
    const res = await post({ scope: 'segments', ids: ['seg-vip'] });
    expect(res.status).toBe(202);
    const command = await json(res);
    const published = (await kafka.readValues('commands')).find((c) => c.commandId === command.commandId);
    expect(published).toMatchObject({ type: 'refresh.requested', tenantId: tenant.tenantId, scope: 'segments', ids: ['seg-vip'] });

    const bad = await post({ scope: 'full', ids: ['x'] });
    expect(bad.status).toBe(400);
    expect((await json(bad)).issues).toEqual([{ path: 'ids', message: 'ids can narrow only the dataSources, segments and measures scopes' }]);
  });
});
