import { ConsoleLogger, INestApplication, Logger, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connectKafkaTransport } from '@tripline/kafka';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MetricsRegistry } from '@tripline/metrics';
import { HttpErrorsFilter } from './http-errors.filter';
import { httpMetrics } from './http-metrics';

export interface ServiceBoot {
  name: string;
  module: Type<unknown>;
  port: number;
  logLevel: LogLevel;
  logFormat: 'json' | 'text';
  /** Largest HTTP body accepted; bigger ones get a 413. */
  bodyLimit?: string;
  /** Express's `trust proxy`: whose X-Forwarded-For makes req.ip (unset: nobody's, req.ip is the socket's address). */
  trustProxy?: boolean | number | string[];
  /** Runs once the app is created, before it listens (e.g. to build its OpenAPI document). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/** Longest a graceful shutdown may take before the process exits regardless. */
const SHUTDOWN_DEADLINE_MS = 10_000;

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Starts a service the same way everywhere: logger, error shape, graceful shutdown on SIGTERM,
 * then module init (Kafka topics, producer, Postgres) and its `@OnTopic` consumers, all before
 * it listens.
 */
export async function createService(boot: ServiceBoot): Promise<INestApplication> {
  const logger = new ConsoleLogger({
    prefix: `tripline-${boot.name}`,
    json: boot.logFormat === 'json',
    logLevels: LEVELS.slice(0, LEVELS.indexOf(boot.logLevel) + 1),
  });
  const app = await NestFactory.create<NestExpressApplication>(boot.module, { logger, bodyParser: false, abortOnError: false });
  // First, so that every request is counted, those the body parser refuses too.
  app.use(httpMetrics(app.get(MetricsRegistry)));
  app.useBodyParser('json', { limit: boot.bodyLimit ?? '1mb' });
  if (boot.trustProxy !== undefined) app.set('trust proxy', boot.trustProxy);
  app.useGlobalFilters(new HttpErrorsFilter());
  app.enableShutdownHooks();
  await boot.configure?.(app);
  connectKafkaTransport(app);
  try {
    await app.init();
    await app.startAllMicroservices();
  } catch (error) {
    // A half-started service would keep its Kafka and Postgres connections open.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * Boots a service: reads and validates its environment, connects Kafka and Postgres (module
 * init), starts its consumers (the Kafka transport), listens. Any failure exits 1 with the reason, never a
 * half-started service.
 */
export async function runService(name: string, configure: () => Omit<ServiceBoot, 'name'>): Promise<void> {
  try {
    const boot = { name, ...configure() };
    const app = await createService(boot);
    // Shutdown disconnects from Kafka and Postgres gracefully; with the broker down, kafkajs
    // would retry that for minutes. Past the deadline, exit anyway: nothing is lost, since
    // uncommitted work is redelivered and leased deliveries fall due again.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        setTimeout(() => {
          console.error(`tripline-${name}: graceful shutdown took over ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting`);
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS).unref();
      });
    }
    await app.listen(boot.port, '0.0.0.0');
    new Logger(name).log(`listening on http://127.0.0.1:${boot.port}`);
  } catch (error) {
    console.error(`tripline-${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
