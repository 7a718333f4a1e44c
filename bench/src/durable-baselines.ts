import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createTopic, paced } from './baselines';
import type { BenchReceiver } from './bench-receiver';
import { CpuAccounting } from './cpu-accounting';
import { DurableRedis } from './durable-redis';
import { latency, perSecond, until, type Latency } from './stats';

export type DurableBaseline = 'b4' | 'b5';

/** A delivery request as Tripline's evaluator writes it, and the ids in it to make unique per message. */
export interface RequestTemplate {
  value: string;
  deliveryId: string;
  eventId: string;
}

export interface Drain {
  deliveriesPerSecond: number;
  /** CPU µs per delivery: the baseline's process, the broker, Postgres (and B5's Redis). */
  cpuMicrosPerDelivery: Record<string, number>;
}

const SCRIPTS: Record<DurableBaseline, string> = { b4: 'b4-durable-worker.js', b5: 'b5-bullmq-worker.js' };

/**
 * B4 and B5, the baselines Tripline is measured against like for like: each a child process
 * draining delivery requests (copies of a real one of Tripline's) from its own topic into the
 * same receiver, with the same in-flight limit, measured with the same CPU accounting. The
 * workers stay up for the whole run, so that each measured drain follows a warm-up as
 * Tripline's does.
 */
export class DurableBaselines {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private readonly workers = new Map<DurableBaseline, ChildProcess>();
  private redis?: DurableRedis;
  private sequence = 0;
  /** Why B5 is left out, when it is. */
  b5Missing: string | null = null;

  constructor(
    private readonly brokers: string[],
    private readonly namespace: string,
    private readonly databaseUrl: string,
    private readonly receiver: BenchReceiver,
    private readonly template: RequestTemplate,
    private readonly inFlight: number,
  ) {
    this.kafka = new Kafka({ clientId: 'bench-durable', brokers, logLevel: logLevel.NOTHING });
  }

  get kinds(): DurableBaseline[] {
    return this.b5Missing ? ['b4'] : ['b4', 'b5'];
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer();
    await this.producer.connect();
    if (!DurableRedis.installed()) this.b5Missing = 'no redis-server is installed (apt-get install redis-server)';
    else this.redis = await DurableRedis.start();
    for (const kind of this.kinds) {
      await createTopic(this.kafka, this.topic(kind));
      this.workers.set(kind, await this.spawn(kind));
      await this.drain(kind, 2_000);
    }
  }

  /** Drains a backlog of `count` requests: deliveries per second from the first callback to the last, and CPU per delivery. */
  async drain(kind: DurableBaseline, count: number): Promise<Drain> {
    const cpu = new CpuAccounting(() => ({ [kind]: this.workers.get(kind)?.pid, ...(kind === 'b5' ? { redis: this.redis?.pid } : {}) }));
    this.receiver.reset();
    const before = cpu.snapshot();
    await this.publish(kind, count);
    await until(() => this.receiver.count >= count, 600_000, `${kind} backlog`);
    const cpuMicrosPerDelivery = CpuAccounting.perUnit(before, cpu.snapshot(), count);
    return { deliveriesPerSecond: perSecond(count, this.receiver.lastAt - this.receiver.firstAt), cpuMicrosPerDelivery };
  }

  /** Publish-to-callback latency at a steady `rate` for `seconds`. */
  async latencyAt(kind: DurableBaseline, rate: number, seconds: number): Promise<Latency> {
    this.receiver.reset();
    let sent = 0;
    await paced(rate, seconds, async (n) => {
      sent += n;
      await this.publish(kind, n);
    });
    await until(() => this.receiver.count >= sent, 300_000, `${kind} paced callbacks`);
    return latency(this.receiver.latencies);
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.workers.values()].map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await this.producer?.disconnect();
    await this.redis?.stop();
  }

  private topic(kind: DurableBaseline): string {
    return `${this.namespace}bench.${kind}`;
  }

  /** Copies of the template, each with its own delivery id and a `bench-<now>-<n>` event id (the receiver's latency clock). */
  private async publish(kind: DurableBaseline, count: number): Promise<void> {
    const { value, deliveryId, eventId } = this.template;
    for (let sent = 0; sent < count; sent += 500) {
      const messages = Array.from({ length: Math.min(500, count - sent) }, () => {
        const n = this.sequence++;
        return { key: String(n % 64), value: value.split(deliveryId).join(randomUUID()).split(eventId).join(`bench-${Date.now()}-${kind}${n}`) };
      });
      await this.producer!.send({ topic: this.topic(kind), acks: -1, messages });
    }
  }

  private async spawn(kind: DurableBaseline): Promise<ChildProcess> {
    const prefix = kind.toUpperCase();
    const child = fork(path.join(__dirname, SCRIPTS[kind]), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        [`${prefix}_BROKERS`]: this.brokers.join(','),
        [`${prefix}_TOPIC`]: this.topic(kind),
        [`${prefix}_GROUP`]: `${this.namespace}bench-${kind}`,
        [`${prefix}_DATABASE_URL`]: this.databaseUrl,
        [`${prefix}_RECEIVER_URL`]: this.receiver.url(),
        [`${prefix}_IN_FLIGHT`]: String(this.inFlight),
        [`${prefix}_REDIS_PORT`]: String(this.redis?.port ?? ''),
      },
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${kind} worker exited (${code}) before it was ready`)));
    });
    return child;
  }
}
