import { isolatedNamespace, json, query, startInProcess, TestKafka, type Json, type RunningService } from '@tripline/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeadLetter } from '@tripline/contracts';
import { loadGatewayEnv } from '../gateway.env';
import { deadLetterRecord } from './dead-letter-record';
import { DeadLetterStore } from './dead-letter-store';
import { gatewayModule } from '../gateway.module';

const ADMIN_TOKEN = 'dead-letters-test-admin-token-0123456789';

/** Polls until `probe` gives something, or fails after `timeoutMs`: a wait on what the API shows, never a fixed time. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A stand-in service's /health/ready: answers as told, or never. */
function fakeService(answer: 'ready' | 'not-ready' | 'silent'): Promise<Server> {
  const server = createServer((req, res) => {
    if (answer === 'silent') return; // holds the request: the probe's timeout must end it
    const ready = answer === 'ready';
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ready, checks: { kafkaBroker: true, kafkaConsumers: ready, postgres: true } }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('dead letters and service readiness (gateway, real Kafka and Postgres)', () => {
  const namespace = isolatedNamespace('dead-letters');
  const kafka = new TestKafka(namespace);
  let gateway: RunningService;
  const servers: Server[] = [];

  const call = (method: string, path: string, body?: unknown, admin: string | null = ADMIN_TOKEN) =>
    fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${admin}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const list = async (query: Record<string, string>) => {
    const res = await call('GET', `/v1/admin/dead-letters?${new URLSearchParams(query)}`);
    expect(res.status).toBe(200);
    return (await json(res)) as { deadLetters: Json[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    const [ready, notReady, silent] = await Promise.all([fakeService('ready'), fakeService('not-ready'), fakeService('silent')]);
    servers.push(ready, notReady, silent);
    // A port nothing listens on: a server opened and closed again.
    const closed = await fakeService('ready');
    const closedUrl = urlOf(closed);
    await new Promise((resolve) => closed.close(resolve));
    gateway = await startInProcess('gateway', namespace, loadGatewayEnv, gatewayModule, {
      TRIPLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      TRIPLINE_SERVICE_URLS: `ingestion=${urlOf(ready)},registry=${urlOf(notReady)},evaluator=${closedUrl},dispatcher=${urlOf(silent)}`,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await kafka.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('lists a malformed message with its reason and bytes, and replays it to its source topic (once, unless forced)', async () => {
    const key = `tenant:${randomUUID()}`;
    const value = '{"id": "evt-broken", "type": "datasource.refresh.completed", ';
    const headers = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x-producer': 'crm-sync' };
    // The gateway's own read model consumes the events topic: it dead-letters what is not JSON.
    await kafka.publishBytes('events', [{ key, value: Buffer.from(value), headers }]);
    const source = 'tripline.events.v1';
    const [letter] = await until('the dead letter listed', async () => {
      const found = (await list({ source, reason: 'NOT JSON' })).deadLetters.filter((l) => l.key === key);
      return found.length > 0 ? found : undefined;
    });
    expect(letter).toMatchObject({
      tenantId: null,
      reason: expect.stringMatching(/^value is not JSON/),
      source: { topic: kafka.topicName('events'), partition: expect.any(Number), offset: expect.any(String), consumerGroup: `${namespace}tripline-gateway.read-model` },
      key,
      payload: { base64: Buffer.from(value).toString('base64'), text: value, bytes: Buffer.byteLength(value), truncated: false },
      headers: [
        { key: 'traceparent', value: headers.traceparent },
        { key: 'x-producer', value: 'crm-sync' },
      ],
      replayedAt: null,
      replayCount: 0,
      replayable: true,
    });
    expect(Date.parse(letter.failedAt)).not.toBeNaN();
    // Other filters leave it out.
    expect((await list({ source: 'tripline.ingest.v1' })).deadLetters).toEqual([]);
    expect((await list({ source, reason: 'no such reason' })).deadLetters).toEqual([]);

    const replayed = await call('POST', `/v1/admin/dead-letters/${letter.id}/replay`, {});
    expect(replayed.status).toBe(200);
    const answer = await json(replayed);
    expect(answer).toMatchObject({ id: letter.id, replayCount: 1, republished: { topic: kafka.topicName('events'), key, bytes: Buffer.byteLength(value) } });
    // It arrived on its source topic, as it was, headers included.
    const onTopic = (await kafka.readAll('events')).find((r) => r.partition === answer.republished.partition && r.offset === answer.republished.offset);
    expect(onTopic).toMatchObject({ key, value, headers });
    // Its cause was not fixed: the read model refuses it again, a new dead letter of the same bytes.
    await until('the replayed message dead-lettered again', async () => ((await list({ source })).deadLetters.filter((l) => l.key === key).length === 2 ? true : undefined));

    const again = await call('POST', `/v1/admin/dead-letters/${letter.id}/replay`);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ error: 'dead_letter_replayed', message: expect.stringContaining('force') });
    const forced = await call('POST', `/v1/admin/dead-letters/${letter.id}/replay`, { force: true });
    expect(forced.status).toBe(200);
    expect(await json(forced)).toMatchObject({ replayCount: 2 });
    const [stored] = await query<{ replayed_at: Date; replay_count: number }>('SELECT replayed_at, replay_count FROM dead_letters WHERE id = $1', [letter.id]);
    expect(stored.replay_count).toBe(2);
  });

  it('stores a redelivered dead letter once, names the tenant a message names, and pages newest first', async () => {
    const tenant = randomUUID();
    const letters = Array.from({ length: 5 }, (_, i) => ({ key: `${tenant}:${i}`, value: JSON.stringify({ tenantId: tenant, id: `evt-${i}`, type: 'no.such.type' }) }));
    await kafka.publishRaw('events', letters);
    const all = await until('five dead letters of the tenant', async () => {
      const found = (await list({ tenantId: tenant, limit: '100' })).deadLetters;
      return found.length === 5 ? found : undefined;
    });
    expect(all.every((l) => l.tenantId === tenant && /does not match/.test(l.reason))).toBe(true);
    // Two pages of 3 and 2, newest first, nothing twice.
    const first = await list({ tenantId: tenant, limit: '3' });
    const second = await list({ tenantId: tenant, limit: '3', cursor: first.nextCursor as string });
    expect(second.nextCursor).toBeNull();
    expect([...first.deadLetters, ...second.deadLetters].map((l) => l.id)).toEqual(all.map((l) => l.id));
    const times = all.map((l) => Date.parse(l.failedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // A redelivery (the gateway's group reset to the beginning) stores nothing twice: the rows are the records' positions.
    const [{ n: before }] = await query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    const [record] = await query<{ letter_topic: string; letter_partition: number; letter_offset: string }>(
      'SELECT letter_topic, letter_partition, letter_offset::text FROM dead_letters WHERE tenant_id = $1 LIMIT 1',
      [tenant],
    );
    const raw = (await kafka.readAll('deadLetters')).find((r) => r.partition === record.letter_partition && r.offset === record.letter_offset);
    expect(raw).toBeDefined();
    const stored = await gateway.app
      .get(DeadLetterStore)
      .store([deadLetterRecord({ topic: record.letter_topic, partition: record.letter_partition, offset: record.letter_offset }, DeadLetter.parse(JSON.parse(raw?.value ?? '')))]);
    expect(stored).toBe(0);
    const [{ n: after }] = await query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    expect(after).toBe(before);
  });

  it('erases a tenant\'s dead letters with the tenant, and counts them, leaving another tenant\'s', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await kafka.publishRaw('events', [a, a, b].map((tenantId, i) => ({ key: tenantId, value: JSON.stringify({ tenantId, id: `evt-${i}` }) })));
    const count = async (tenantId: string) => (await query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters WHERE tenant_id = $1', [tenantId]))[0].n;
    await until('three dead letters stored', async () => ((await count(a)) === 2 && (await count(b)) === 1 ? true : undefined));
    const erased = await call('DELETE', `/v1/admin/tenants/${a}`);
    expect(erased.status).toBe(200);
    expect((await json(erased)).removed).toMatchObject({ deadLetters: 2 });
    expect(await count(a)).toBe(0);
    expect(await count(b)).toBe(1);
    expect((await list({ tenantId: b })).deadLetters).toHaveLength(1);
  });

  it('stores and lists any bytes as a dead message, never answering 5xx (property)', async () => {
    const run = randomUUID();
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { numRuns: 40, seed: 16 });
    // Straight onto the dead-letters topic: not a dead letter, so the gateway dead-letters each
    // there, with its bytes, and stores that.
    await kafka.publishBytes('deadLetters', samples.map((bytes, i) => ({ key: `${run}:${i}`, value: Buffer.from(bytes) })));
    const listed = new Map<string, Json>();
    await until('every sample listed', async () => {
      let cursor: string | undefined;
      listed.clear();
      do {
        const res = await call('GET', `/v1/admin/dead-letters?${new URLSearchParams({ source: 'tripline.dead-letters.v1', limit: '100', ...(cursor ? { cursor } : {}) })}`);
        expect(res.status).toBeLessThan(500);
        const page = await json(res);
        for (const letter of page.deadLetters) if (String(letter.key).startsWith(run)) listed.set(letter.key, letter);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return listed.size === samples.length ? true : undefined;
    });
    samples.forEach((bytes, i) => {
      const letter = listed.get(`${run}:${i}`);
      expect(letter.payload).toMatchObject({ base64: Buffer.from(bytes).toString('base64'), bytes: bytes.length, truncated: false });
      const text = Buffer.from(bytes).toString('utf8');
      // Text only when the bytes were valid UTF-8, and then exactly them.
      if (letter.payload.text !== null) expect(Buffer.from(letter.payload.text, 'utf8')).toEqual(Buffer.from(bytes));
      else expect(Buffer.from(text, 'utf8')).not.toEqual(Buffer.from(bytes));
      // A dead letter's bytes sent back to the dead-letters topic would only come back: not replayable.
      expect(letter.replayable).toBe(false);
    });
  });

  it('reports each service up, down or unreachable, with the probe\'s detail and latency', async () => {
    const res = await call('GET', '/v1/admin/services');
    expect(res.status).toBe(200);
    const { services } = await json(res);
    const byName = Object.fromEntries(services.map((s: Json) => [s.name, s]));
    expect(services.map((s: Json) => s.name)).toEqual(['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher']);
    expect(byName.gateway).toMatchObject({ status: 'up', url: 'this instance', detail: null, checks: { kafkaBroker: true, postgres: true } });
    expect(byName.ingestion).toMatchObject({ status: 'up', detail: null, url: expect.stringMatching(/\/health\/ready$/) });
    expect(byName.registry).toMatchObject({ status: 'down', detail: 'not ready: kafkaConsumers', checks: { kafkaConsumers: false } });
    expect(byName.evaluator).toMatchObject({ status: 'unreachable', checks: null, detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(byName.dispatcher).toMatchObject({ status: 'unreachable', detail: 'no answer within 2000 ms' });
    expect(byName.dispatcher.latencyMs).toBeGreaterThanOrEqual(1_900);
    expect(byName.dispatcher.latencyMs).toBeLessThan(5_000);
    for (const service of services) expect(Number.isInteger(service.latencyMs)).toBe(true);
  });

  it('answers only the operator', async () => {
    expect((await call('GET', '/v1/admin/services', undefined, null)).status).toBe(401);
    expect((await call('GET', '/v1/admin/dead-letters', undefined, null)).status).toBe(401);
    expect((await call('POST', `/v1/admin/dead-letters/${randomUUID()}/replay`, {}, null)).status).toBe(401);
    expect((await call('POST', `/v1/admin/dead-letters/${randomUUID()}/replay`, {})).status).toBe(404);
    expect((await call('GET', '/v1/admin/dead-letters?cursor=junk')).status).toBe(400);
  });
});
