import { Catch, Injectable, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler, type MicroserviceOptions, type NestMicroservice } from '@nestjs/microservices';
import { topics, type TopicId } from '@tripline/contracts';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import type { Inbound } from './inbound-message';
import { TopicConsumers, type ConsumerSpec, type Rejection } from './topic-consumer';
import { KafkaBatchContext, type TopicHandlerOptions, type TopicPattern } from './topic-handler';

/** Tells handlers of this transport from those of another one connected to the same app. */
export const KAFKA_TRANSPORT = Symbol('tripline-kafka');

/**
 * The service's Kafka consumers as a Nest transport: every `@OnTopic` handler of the app's
 * controllers gets a consumer (TopicConsumers: its batches, linger, dead letters, poison
 * isolation, commits after the work), and each batch goes through Nest's pipeline, so the
 * handler's interceptors and exception filters apply.
 *
 * Consumers stop (finishing and committing the fetch in hand) before the application's shutdown
 * hooks close the producer and Prisma: TopicConsumers registers their stop with KafkaConnection's
 * `beforeApplicationShutdown`. `close()` comes later still (Nest disposes transports after that
 * hook), and finds them stopped.
 */
@Injectable()
export class KafkaTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = KAFKA_TRANSPORT;

  constructor(private readonly consumers: TopicConsumers) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      // Every handler is checked before any consumer starts: a mistake fails the boot, not half of it.
      const specs = [...this.messageHandlers].map(([route, handler]) => this.specFor(route, handler));
      for (const spec of specs) await this.consumers.start(spec);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumers.stopAll();
  }

  on(): never {
    throw new Error('the Kafka transport emits no events; see TopicConsumers.ready for its state');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private specFor(route: string, handler: MessageHandler): ConsumerSpec<TopicId> {
    const pattern = parsePattern(route);
    if (!pattern) {
      throw new Error(
        `the Kafka transport cannot consume the pattern ${route}: declare handlers with @OnTopic(topic, { group }), ` +
          `where topic is one of ${Object.keys(topics).join(', ')}`,
      );
    }
    if (!handler.isEventHandler) {
      throw new Error(`the Kafka transport answers no requests (@MessagePattern ${route}): consume with @OnTopic, reply by publishing`);
    }
    const { topic, group } = pattern;
    const options = (handler.extras ?? {}) as Omit<TopicHandlerOptions, 'group'>;
    return {
      topic,
      group,
      fromBeginning: options.fromBeginning,
      lingerMs: options.lingerMs,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      handle: async (batch: Array<Inbound<TopicId>>, { heartbeat, commitAfter }) => {
        const result = await handler(batch, new KafkaBatchContext([topic, group, heartbeat, commitAfter]));
        return lastValueFrom(this.transformToObservable(result) as Observable<void | Array<Rejection<TopicId>>>, { defaultValue: undefined });
      },
    };
  }
}

/** The pattern @OnTopic registered (Nest keys handlers by the pattern as JSON), or undefined for any other. */
function parsePattern(route: string): TopicPattern | undefined {
  let parsed: { topic?: unknown; group?: unknown };
  try {
    parsed = JSON.parse(route) ?? {};
  } catch {
    return undefined;
  }
  const { topic, group } = parsed;
  if (typeof topic !== 'string' || !Object.hasOwn(topics, topic) || typeof group !== 'string' || group === '') return undefined;
  return { topic: topic as TopicId, group };
}

/**
 * Hands a handler's error back to the consumer as it was thrown. Nest's default RPC filter would
 * replace it with `{status: 'error', message: 'Internal server error'}`, and the consumer tells an
 * outage (retry the fetch) from a bad message (isolate and dead-letter it, with the error) by the
 * error itself. A handler's own filters still come first.
 */
@Catch()
export class HandlerErrorsToConsumer implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Connects the app's `@OnTopic` handlers to Kafka. The HTTP app's global filters, pipes and
 * interceptors are not inherited: they are written for HTTP requests, not batches.
 */
export function connectKafkaTransport(app: INestApplication): void {
  const transport = app.get(KafkaTransport);
  // Deferred: handlers are bound at listen, after the global filter is in place (Nest reads the
  // global filters when it binds them). The app's init hooks are the app's to call, not the transport's.
  const microservice = app.connectMicroservice<MicroserviceOptions>({ strategy: transport }, { deferInitialization: true }) as NestMicroservice;
  microservice.setIsInitHookCalled(true);
  microservice.useGlobalFilters(new HandlerErrorsToConsumer());
}
