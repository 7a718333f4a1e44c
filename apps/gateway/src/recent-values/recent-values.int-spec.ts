import { ErrorBody } from '@tripline/contracts';
import { createTenant, edgeText, isolatedNamespace, json, query, startInProcess, type Json, type RunningService, type TestTenant } from '@tripline/testing';
import fc from 'fast-check';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';

/** Every byte of the text's UTF-8 percent-encoded: any string, lone surrogates included (as U+FFFD), is a path segment. */
const pathSegment = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

type Observation = 'first' | 'applied' | 'replayed' | 'stale' | 'same-instant';

/**
 * The recent values of segments and measures, read from the evaluator's `event_evaluations`:
 * the rows are written here as the evaluator writes them (evaluation-log.ts), so each case says
 * exactly what is recorded. The evaluator writing them from real events is the browser test's.
 */
describe('the recent values of segments and measures, against the real Postgres', () => {
  const namespace = isolatedNamespace('recent-values');
  let gateway: RunningService;
  let tenant: TestTenant;
  let other: TestTenant;

  const get = async (path: string, key = tenant.apiKey): Promise<Json> => {
    const res = await fetch(`${gateway.baseUrl}${path}`, { headers: { 'x-api-key': key } });
    return { status: res.status, ...(await json(res)) };
  };

  /** One evaluated event; `batch` is the minute the evaluator's batch began matching (evaluated_at). */
  const evaluated = (
    owner: TestTenant,
    r: { eventId: string; kind: 'segment' | 'measure' | 'dataSource'; entityId: string; minute: number; batch: number; value: number | null; observation: Observation | null },
  ) =>
    query(
      `INSERT INTO event_evaluations (tenant_id, event_id, event_type, entity_kind, entity_id, occurred_at, evaluated_at, trigger, observation, value)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)`,
      [
        owner.tenantId,
        r.eventId,
        r.kind === 'segment' ? 'segment.refreshed' : r.kind === 'measure' ? 'measure.refreshed' : 'datasource.refresh.completed',
        r.kind,
        r.entityId,
        `2026-11-30T10:${String(r.minute).padStart(2, '0')}:00.123456Z`,
        `2026-11-30T11:${String(r.batch).padStart(2, '0')}:00Z`,
        r.observation,
        r.value,
      ],
    );

  beforeAll(async () => {
    [tenant, other] = await Promise.all([createTenant('recent values'), createTenant('someone else')]);
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, { TRIPLINE_ADMIN_TOKEN: 'recent-values-admin-token-0123456789' });
    // seg-vip: 90, 120, 160 applied; a stale and a same-instant observation that never became its value;
    // two applied in one batch (one evaluated_at), told apart by when they were observed.
    await evaluated(tenant, { eventId: 'e1', kind: 'segment', entityId: 'seg-vip', minute: 1, batch: 1, value: 90, observation: 'first' });
    await evaluated(tenant, { eventId: 'e2', kind: 'segment', entityId: 'seg-vip', minute: 5, batch: 2, value: 120, observation: 'applied' });
    await evaluated(tenant, { eventId: 'e0-stale', kind: 'segment', entityId: 'seg-vip', minute: 3, batch: 3, value: 5, observation: 'stale' });
    await evaluated(tenant, { eventId: 'e3-same', kind: 'segment', entityId: 'seg-vip', minute: 5, batch: 3, value: 7, observation: 'same-instant' });
    await evaluated(tenant, { eventId: 'e5', kind: 'segment', entityId: 'seg-vip', minute: 9, batch: 4, value: 160, observation: 'applied' });
    await evaluated(tenant, { eventId: 'e4', kind: 'segment', entityId: 'seg-vip', minute: 7, batch: 4, value: 140, observation: 'applied' });
    // the same id as a measure, and as a data source: other entities, not this segment's values
    await evaluated(tenant, { eventId: 'm1', kind: 'measure', entityId: 'seg-vip', minute: 2, batch: 1, value: 1234.5, observation: 'first' });
    await evaluated(tenant, { eventId: 'd1', kind: 'dataSource', entityId: 'seg-vip', minute: 2, batch: 1, value: null, observation: null });
    // another tenant's segment of the same id
    await evaluated(other, { eventId: 'o1', kind: 'segment', entityId: 'seg-vip', minute: 8, batch: 4, value: 999, observation: 'first' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("answers a segment's applied values, oldest to newest, with when each was observed and its event", async () => {
    const answer = await get('/v1/segments/seg-vip/values');
    expect(answer.status).toBe(200);
    expect(answer.values).toEqual([
      { at: '2026-11-30T10:01:00.123456Z', value: 90, eventId: 'e1' },
      { at: '2026-11-30T10:05:00.123456Z', value: 120, eventId: 'e2' },
      { at: '2026-11-30T10:07:00.123456Z', value: 140, eventId: 'e4' },
      { at: '2026-11-30T10:09:00.123456Z', value: 160, eventId: 'e5' },
    ]);
    expect((await get('/v1/measures/seg-vip/values')).values).toEqual([{ at: '2026-11-30T10:02:00.123456Z', value: 1234.5, eventId: 'm1' }]);
  });

  it('keeps the most recent `limit` values, still oldest first', async () => {
    expect((await get('/v1/segments/seg-vip/values?limit=2')).values.map((v: Json) => v.eventId)).toEqual(['e4', 'e5']);
    expect((await get('/v1/segments/seg-vip/values?limit=500')).values).toHaveLength(4);
  });

  it("answers only the caller's tenant: another tenant's segment of the same id, and an unknown one, are empty lists", async () => {
    expect((await get('/v1/segments/seg-vip/values', other.apiKey)).values).toEqual([{ at: '2026-11-30T10:08:00.123456Z', value: 999, eventId: 'o1' }]);
    expect(await get('/v1/segments/nobody-knows/values')).toEqual({ status: 200, values: [] });
    expect(await get('/v1/measures/nobody-knows/values', other.apiKey)).toEqual({ status: 200, values: [] });
    expect((await get('/v1/segments/seg-vip/values', 'tl_not-a-key')).status).toBe(401);
  });

  it.each(['0', '501', '-1', '2.5', 'ten', '', '1e9'])('refuses limit=%j with 400 naming `limit`', async (limit) => {
    for (const kind of ['segments', 'measures']) {
      const { status, ...body } = await get(`/v1/${kind}/seg-vip/values?limit=${encodeURIComponent(limit)}`);
      expect([status, ErrorBody.parse(body).error]).toEqual([400, 'validation_failed']);
      expect(body.issues.map((i: Json) => i.path)).toEqual(['limit']);
    }
  });

  it('answers any id, however hostile, 200 with a list or 400 naming `id`, never a 5xx', async () => {
    const id = fc.oneof(
      { weight: 3, arbitrary: edgeText(200) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }) },
      { weight: 1, arbitrary: fc.constantFrom('seg-vip', '..', '%2e%2e', "seg' OR '1'='1", 'a'.repeat(5000), '\u0000', '%00', '%', '%ZZ', 'values') },
    );
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('segments', 'measures'), async (value, kind) => {
        const res = await fetch(`${gateway.baseUrl}/v1/${kind}/${pathSegment(value)}/values`, { headers: { 'x-api-key': tenant.apiKey } });
        expect(res.status).toBeLessThan(500);
        const body = await json(res);
        if (['', '.', '..'].includes(value)) {
          // no id in the path (the URL is normalized before it is sent): no such route
          expect([res.status, body.error]).toEqual([404, 'not_found']);
          return;
        }
        if (res.status === 200) {
          expect(Array.isArray(body.values)).toBe(true);
          return;
        }
        expect([res.status, ErrorBody.parse(body).error]).toEqual([400, 'validation_failed']);
        expect(body.issues.map((i: Json) => i.path)).toEqual(['id']);
      }),
      { numRuns: 150 },
    );
  });
});
