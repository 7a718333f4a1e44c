import { Logger } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { isolatedNamespace, serviceEnv } from '@tripline/testing';
import { randomUUID } from 'node:crypto';
import { loadDispatcherEnv } from '../dispatcher.env';
import { DeliveryLog } from './delivery-log';
import { DeliveryPartitions } from './delivery-partitions';
import { DispatchEndpoints } from '../endpoints/dispatch-endpoints';

/** Claims of due deliveries, against the real Postgres: each tenant gets no more than the slots it has free. */
describe('claiming due deliveries, against the real Postgres', () => {
  const env = loadDispatcherEnv(serviceEnv(isolatedNamespace('due-claims')));
  let prisma: PrismaService;
  let log: DeliveryLog;

  /** `count` deliveries of a tenant, due now and not claimed (as those beyond the free slots are recorded). */
  async function due(tenantId: string, count: number): Promise<string[]> {
    const subscriptionId = randomUUID();
    const deliveries = Array.from({ length: count }, () => ({
      id: randomUUID(),
      tenantId,
      subscriptionId,
      eventId: `evt-${randomUUID()}`,
      trigger: 'data-source-refresh-failed',
      body: '{"n":1}',
    }));
    await log.open(deliveries);
    return deliveries.map((d) => d.id);
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    prisma = new PrismaService(env.DATABASE_URL);
    await prisma.connect();
    log = new DeliveryLog(prisma, new DispatchEndpoints(prisma, env), new DeliveryPartitions(prisma));
  });
  afterAll(async () => {
    await prisma?.$disconnect();
  });

  it('skips tenants without a free slot, and takes of the others only as many as they have free', async () => {
    const [saturated, partlyUsed, idle] = [randomUUID(), randomUUID(), randomUUID()];
    // The saturated and partly used tenants' deliveries are the oldest: a claim by age alone would take them first.
    await due(saturated, 5);
    const partlyUsedIds = await due(partlyUsed, 5);
    await due(idle, 12);

    const { claimed, more } = await log.claimDue(100, 60_000, {
      endpoints: [],
      tenants: [saturated],
      partlyUsedTenants: [{ tenantId: partlyUsed, free: 2 }],
      tenantCap: 10,
    });

    const of = (tenantId: string) => claimed.filter((d) => d.tenantId === tenantId).map((d) => d.id);
    expect(of(saturated)).toEqual([]);
    expect(of(partlyUsed)).toHaveLength(2);
    expect(partlyUsedIds).toEqual(expect.arrayContaining(of(partlyUsed)));
    expect(of(idle)).toHaveLength(10);
    expect(more).toBe(true); // some were left for lack of room: claim again once slots free
  });
});
