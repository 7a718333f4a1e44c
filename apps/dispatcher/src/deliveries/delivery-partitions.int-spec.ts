import { Logger } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { dropDatabase, isolatedNamespace, query, separateDatabase, serviceEnv } from '@tripline/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { loadDispatcherEnv } from '../dispatcher.env';
import { DeliveryLog, type NewDelivery } from './delivery-log';
import { DispatchEndpoints } from '../endpoints/dispatch-endpoints';
import { addDays, dayOf, DeliveryPartitions } from './delivery-partitions';

/** The day partitions the dispatcher keeps deliveries in, against the real Postgres. */
describe('delivery day partitions, against the real Postgres', () => {
  const env = loadDispatcherEnv({ ...serviceEnv(isolatedNamespace('delivery-partitions')) });
  let prisma: PrismaService;
  let partitions: DeliveryPartitions;
  let log: DeliveryLog;
  const today = async () => (await query<{ day: string }>(`SELECT ((now() AT TIME ZONE 'UTC')::date)::text AS day`))[0].day;
  const request = (id = randomUUID()): NewDelivery => ({
    id,
    tenantId: randomUUID(),
    subscriptionId: randomUUID(),
    eventId: `evt-${id}`,
    trigger: 'data-source-refresh-failed',
    body: JSON.stringify({ id }),
  });

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    prisma = new PrismaService(env.DATABASE_URL);
    await prisma.connect();
    partitions = new DeliveryPartitions(prisma);
    log = new DeliveryLog(prisma, new DispatchEndpoints(prisma, env), partitions);
  });
  afterAll(async () => prisma?.$disconnect());

  it('has today and a week ahead, and creates what is missing, once however many ask at once', async () => {
    const day = await today();
    const from = addDays(day, -2);
    const created = await Promise.all([partitions.ensure(from, day, 5_000), partitions.ensure(from, day, 5_000), partitions.ensure(from, day, 5_000)]);
    const days = await partitions.days();
    for (let d = from; d <= addDays(day, DeliveryPartitions.DAYS_AHEAD); d = addDays(d, 1)) expect(days).toContain(d);
    // Each day's partitions were created by one of them; the others found them there.
    expect(created.flat().filter((d) => d === from)).toHaveLength(1);
    expect(await partitions.ensure(from, day)).toEqual([]);
  });

  it('records a delivery requested again once: the same day, or the day after (a redelivery across midnight)', async () => {
    const day = await today();
    await partitions.ensure(addDays(day, -1), day, 5_000);
    const again = request();
    expect((await log.open([again])).inserted).toBe(1);
    expect((await log.open([again, again])).inserted).toBe(0);

    // Recorded yesterday: looked up in yesterday's partition as well.
    const yesterdays = request();
    await query(
      `INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, trigger, body, log_day) VALUES ($1, $2, $3, $4, $5, '{}', $6::date)`,
      [yesterdays.id, yesterdays.tenantId, yesterdays.subscriptionId, yesterdays.eventId, yesterdays.trigger, addDays(day, -1)],
    );
    const fresh = request();
    expect((await log.open([yesterdays, fresh])).inserted).toBe(1);
    const rows = await query<{ id: string; log_day: string }>(`SELECT id, log_day::text FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY log_day`, [[yesterdays.id, fresh.id]]);
    expect(rows).toEqual([
      { id: yesterdays.id, log_day: addDays(day, -1) },
      { id: fresh.id, log_day: day },
    ]);
  });

  it('claims a delivery with the day that holds it', async () => {
    const delivery = request();
    const { claimed } = await log.open([delivery], new Set([delivery.id]), 60_000);
    expect(claimed).toEqual([expect.objectContaining({ id: delivery.id, logDay: await today() })]);
  });

  it("records a delivery although today's partition is missing: it makes it first, and judges no request bad for it", async () => {
    // A database of its own: today's partition goes, which every other test writes to.
    const databaseUrl = await separateDatabase('partitions');
    const own = new PrismaService(databaseUrl);
    await own.connect();
    try {
      const day = await today();
      await own.pool.query(`DROP TABLE "delivery_attempts_${day.replaceAll('-', '')}", "deliveries_${day.replaceAll('-', '')}"`);
      const ownLog = new DeliveryLog(own, new DispatchEndpoints(own, env), new DeliveryPartitions(own));
      const delivery = request();
      expect((await ownLog.open([delivery])).inserted).toBe(1);
      expect(await new DeliveryPartitions(own).days()).toContain(day);
    } finally {
      await own.$disconnect();
      await dropDatabase(databaseUrl);
    }
  });

  it('names days the way Postgres does, whatever the instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), (at) => {
        const day = dayOf(at);
        expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(addDays(addDays(day, 1), -1)).toBe(day);
        expect(Date.parse(`${addDays(day, 1)}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)).toBe(86_400_000);
      }),
    );
  });
});
