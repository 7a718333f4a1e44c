import { eventPartitionKey, type AcceptedEvent, type EventInput } from '@tripline/contracts';
import {
  createTenant,
  isolatedNamespace,
  json,
  measureEvent,
  refreshEvent,
  segmentEvent,
  startInProcess,
  TestKafka,
  type Json,
  type RunningService,
  type TestTenant,
} from '@tripline/testing';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';

/**
 * 1,200 segments, more than any list page holds: names alternate in case ("segment 0001",
 * "Segment 0002", ...) so an order that minded case would put every capitalised one first, and
 * the ids run against the names so an id order would show.
 */
const SEGMENTS = Array.from({ length: 1_200 }, (_, i) => ({
  id: `seg-${String(1_199 - i).padStart(4, '0')}`,
  name: `${i % 2 ? 'Segment' : 'segment'} ${String(i).padStart(4, '0')}`,
}));
/** Two names equal but for case: the id decides. */
const TWINS = [
  { id: 'twin-b', name: 'Twin' },
  { id: 'twin-a', name: 'TWIN' },
];
const MEASURES = Array.from({ length: 10_001 }, (_, i) => ({ id: `m-${String(i).padStart(5, '0')}`, name: `Measure ${String(i).padStart(5, '0')}` }));

const byNameThenId = (a: { id: string; name: string }, b: { id: string; name: string }) => {
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

describe('the pickers\' choices: every match in one answer, against the real Kafka and Postgres', () => {
  const namespace = isolatedNamespace('choices');
  let gateway: RunningService;
  let kafka: TestKafka;
  let tenant: TestTenant;
  let other: TestTenant;

  const get = async (path: string, key = tenant.apiKey): Promise<Json> => {
    const res = await fetch(`${gateway.baseUrl}${path}`, { headers: { 'x-api-key': key } });
    return { status: res.status, ...(await json(res)) };
  };

  async function happened(owner: TestTenant, events: EventInput[]) {
    const accepted = events.map((e) => ({ ...e, tenantId: owner.tenantId, receivedAt: new Date().toISOString(), source: 'http' }) as AcceptedEvent);
    await kafka.publish('events', accepted.map((e) => ({ key: eventPartitionKey(e), value: e })));
    await kafka.waitForGroup(kafka.groupId('tripline-gateway', 'read-model'), 'events');
  }
  const segment = ({ id, name }: { id: string; name: string }) => {
    const e = segmentEvent(id, 1, 1);
    return { ...e, data: { ...e.data, segmentName: name } };
  };
  const measure = ({ id, name }: { id: string; name: string }) => {
    const e = measureEvent(id, 1, 1);
    return { ...e, data: { ...e.data, measureName: name } };
  };

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant('many choices'), createTenant('someone else')]);
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, { TRIPLINE_ADMIN_TOKEN: 'choices-test-admin-token-0123456789' });
    kafka = new TestKafka(namespace);
    await happened(tenant, [
      ...[...SEGMENTS, ...TWINS].map(segment),
      ...MEASURES.map(measure),
      refreshEvent({ dataSourceId: 'ds-b', dataSourceName: 'billing' }),
      refreshEvent({ dataSourceId: 'ds-a', dataSourceName: 'Accounts' }),
      refreshEvent({ dataSourceId: 'ds_c', dataSourceName: 'Contacts' }),
    ]);
    await happened(other, [segment({ id: 'seg-secret', name: 'segment 0001 (not yours)' }), refreshEvent({ dataSourceId: 'ds-secret', dataSourceName: 'Accounts too' })]);
  });
  afterAll(async () => {
    await kafka?.close();
    await gateway?.close();
  });

  it('answers every segment, far past a list page, by name in any case then id', async () => {
    const answer = await get('/v1/choices/segments');
    expect(answer.status).toBe(200);
    expect(answer.truncated).toBe(false);
    expect(answer.choices).toHaveLength(1_202);
    expect(answer.choices).toEqual([...SEGMENTS, ...TWINS].sort(byNameThenId));
    expect(answer.choices.slice(0, 3)).toEqual([
      { id: 'seg-1199', name: 'segment 0000' },
      { id: 'seg-1198', name: 'Segment 0001' },
      { id: 'seg-1197', name: 'segment 0002' },
    ]);
    expect(answer.choices.slice(-2)).toEqual([
      { id: 'twin-a', name: 'TWIN' },
      { id: 'twin-b', name: 'Twin' },
    ]);
  });

  it('narrows by q on the name or the id, in any case, taking wildcards literally', async () => {
    expect((await get('/v1/choices/segments?q=SEGMENT%20000')).choices.map((c: Json) => c.name)).toEqual(
      ['segment 0000', 'Segment 0001', 'segment 0002', 'Segment 0003', 'segment 0004', 'Segment 0005', 'segment 0006', 'Segment 0007', 'segment 0008', 'Segment 0009'],
    );
    expect((await get('/v1/choices/segments?q=seg-000')).choices.map((c: Json) => c.id)).toEqual(
      ['seg-0009', 'seg-0008', 'seg-0007', 'seg-0006', 'seg-0005', 'seg-0004', 'seg-0003', 'seg-0002', 'seg-0001', 'seg-0000'],
    );
    expect(await get('/v1/choices/data-sources?q=S_')).toMatchObject({ choices: [{ id: 'ds_c', name: 'Contacts' }], truncated: false });
    expect((await get('/v1/choices/segments?q=%25')).choices).toEqual([]);
  });

  it('answers data sources by name in any case', async () => {
    expect(await get('/v1/choices/data-sources')).toEqual({
      status: 200,
      choices: [
        { id: 'ds-a', name: 'Accounts' },
        { id: 'ds-b', name: 'billing' },
        { id: 'ds_c', name: 'Contacts' },
      ],
      truncated: false,
    });
  });

  it('stops at 10,000 choices and says so; q narrows them to all', async () => {
    const all = await get('/v1/choices/measures');
    expect(all.truncated).toBe(true);
    expect(all.choices).toHaveLength(10_000);
    expect(all.choices.at(-1)).toEqual({ id: 'm-09999', name: 'Measure 09999' });
    const narrowed = await get('/v1/choices/measures?q=measure%2010');
    expect(narrowed.truncated).toBe(false);
    expect(narrowed.choices.map((c: Json) => c.id)).toEqual(['m-10000']);
  });

  it('never offers another tenant\'s entities', async () => {
    expect((await get('/v1/choices/segments?q=not%20yours')).choices).toEqual([]);
    expect((await get('/v1/choices/segments?q=0001')).choices.map((c: Json) => c.id)).toEqual(['seg-1198', 'seg-0001']);
    expect(await get('/v1/choices/segments', other.apiKey)).toEqual({ status: 200, choices: [{ id: 'seg-secret', name: 'segment 0001 (not yours)' }], truncated: false });
    expect(await get('/v1/choices/measures', other.apiKey)).toEqual({ status: 200, choices: [], truncated: false });
  });

  it('refuses a bad q naming q, and a caller without a key', async () => {
    for (const q of ['', 'x'.repeat(201), 'a%00b']) {
      const bad = await get(`/v1/choices/segments?q=${q}`);
      expect(bad.status).toBe(400);
      expect(bad.issues.map((i: Json) => i.path)).toEqual(['q']);
    }
    expect((await fetch(`${gateway.baseUrl}/v1/choices/segments`)).status).toBe(401);
  });
});
