import { Queue, Worker } from 'bullmq';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { signedPost } from './signed-post';

/**
 * B5, what a Node team would build instead of Tripline (a child process of the bench, so that
 * its CPU is its own): a kafkajs consumer feeds delivery requests into a BullMQ queue on Redis
 * (one `addBulk` per batch, then the offset commit), and a BullMQ worker signs and POSTs each
 * job, B5_IN_FLIGHT at a time, retrying with exponential backoff and keeping completed jobs'
 * records. Redis is the bench's own, with an append-only file fsynced every second.
 */
const env = (name: string) => process.env[name] ?? fail(`${name} is required`);
const QUEUE = 'callbacks';

interface Job {
  id: string;
  body: string;
}

async function main(): Promise<void> {
  const connection = { host: '127.0.0.1', port: Number(env('B5_REDIS_PORT')), maxRetriesPerRequest: null };
  const queue = new Queue<Job>(QUEUE, { connection });
  const receiver = new Pool(env('B5_RECEIVER_URL'), { connections: Number(env('B5_IN_FLIGHT')) });
  const key = randomBytes(32);

  const worker = new Worker<Job>(
    QUEUE,
    async (job) => {
      const { id, body } = job.data;
      const statusCode = await signedPost(receiver, '/b5', key, id, body);
      if (statusCode < 200 || statusCode > 299) throw new Error(`HTTP ${statusCode}`);
      return statusCode;
    },
    { connection, concurrency: Number(env('B5_IN_FLIGHT')) },
  );

  const kafka = new Kafka({ clientId: 'bench-b5', brokers: env('B5_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: env('B5_GROUP'), maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: env('B5_TOPIC'), fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      await queue.addBulk(
        batch.messages.map((m) => {
          const r = JSON.parse(m.value!.toString()) as { deliveryId: string; body: string };
          return {
            name: 'callback',
            data: { id: r.deliveryId, body: r.body },
            // The delivery id as the job id: a redelivered request is not queued twice.
            opts: { jobId: r.deliveryId, attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } },
          };
        }),
      );
    },
  });
  process.send?.('ready');

  process.on('SIGTERM', () => {
    void (async () => {
      await consumer.disconnect();
      await worker.close();
      await queue.close();
      await receiver.close();
      process.exit(0);
    })();
  });
}

function fail(message: string): never {
  throw new Error(message);
}

main().catch((error) => {
  console.error(`[bench b5] ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
