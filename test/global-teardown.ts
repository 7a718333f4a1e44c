import { testInfra } from '@tripline/testing';
import { Kafka, logLevel } from 'kafkajs';

const state = globalThis as { __tripInfra?: { stop(): Promise<void> } };

/** Removes the run's topics (a namespace of its own) and stops any containers it started. */
export default async function globalTeardown(): Promise<void> {
  const provisioned = state.__tripInfra;
  if (!provisioned) return;
  state.__tripInfra = undefined;
  const infra = testInfra();
  const kafka = new Kafka({ clientId: 'tripline-tests-teardown', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(infra.namespace));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  } catch {
    // Best effort: leftover topics of a finished run harm nothing.
  } finally {
    await admin.disconnect();
  }
  await provisioned.stop();
}
