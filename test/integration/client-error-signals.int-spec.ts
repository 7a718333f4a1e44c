import { PrismaService, type PostgresClientError } from '@tripline/db';
import { KafkaConnection, TopicPublisher, type KafkaClientOperation } from '@tripline/kafka';
import { isolatedNamespace, refreshEvent, testInfra } from '@tripline/testing';
import { randomUUID } from 'node:crypto';

/**
 * The Kafka and Postgres libs report their client failures (which the services count as
 * tripline_kafka_client_errors_total and tripline_postgres_client_errors_total) whoever met them.
 */
describe('client failures, as the libs report them', () => {
  it('reports each Postgres connection that could not be opened, by Prisma or by a raw query on the pool', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const prisma = new PrismaService('postgresql://postgres@127.0.0.1:1/postgres');
    const reported: PostgresClientError[] = [];
    prisma.onClientError((kind) => reported.push(kind));
    await expect(prisma.pool.query('SELECT 1')).rejects.toThrow();
    await expect(prisma.$queryRaw`SELECT 1`).rejects.toThrow();
    expect(reported).toEqual(['connect', 'connect']);
    await prisma.$disconnect().catch(() => undefined);
  });

  it('reports nothing while Postgres answers', async () => {
    const prisma = new PrismaService(testInfra().databaseUrl);
    const reported: PostgresClientError[] = [];
    prisma.onClientError((kind) => reported.push(kind));
    await prisma.connect();
    await prisma.pool.query('SELECT 1');
    expect(reported).toEqual([]);
    await prisma.$disconnect();
  });

  it('reports a publish the broker did not take', async () => {
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'tripline-signals-test', namespace: isolatedNamespace('signals'), topicPartitions: 1 });
    const reported: KafkaClientOperation[] = [];
    connection.signals.onClientError((operation) => reported.push(operation));
    // Never connected: the producer refuses the send.
    const event = { ...refreshEvent(), tenantId: randomUUID(), receivedAt: new Date().toISOString(), source: 'http' as const };
    await expect(new TopicPublisher(connection).publish('events', [{ key: 'k', value: event }])).rejects.toThrow();
    expect(reported).toEqual(['publish']);
    await connection.onApplicationShutdown();
  });
});
