import { Catch, Controller, type ArgumentsHost, Injectable, UseFilters, UseInterceptors, type CallHandler, type ExceptionFilter, type ExecutionContext, type INestApplication, type NestInterceptor } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { DeliveryRequest, TopicId } from '@tripline/contracts';
import { map, of, type Observable } from 'rxjs';
import { Unavailable } from './handler-failure';
import type { Inbound } from './inbound-message';
import { connectKafkaTransport, KafkaTransport } from './kafka-transport';
import { TopicConsumers, type ConsumerSpec, type Rejection } from './topic-consumer';
import { KafkaBatchContext, OnTopic } from './topic-handler';

/** Stands in for TopicConsumers: records what the transport starts, so a test can hand it batches. */
class RecordingConsumers {
  readonly started: Array<ConsumerSpec<TopicId>> = [];
  stopped = 0;
  async start(spec: ConsumerSpec<TopicId>): Promise<void> {
    this.started.push(spec);
  }
  async stopAll(): Promise<void> {
    this.stopped++;
  }
  consumer(topic: TopicId, group: string): ConsumerSpec<TopicId> {
    const spec = this.started.find((s) => s.topic === topic && s.group === group);
    if (!spec) throw new Error(`no consumer for ${topic}/${group}`);
    return spec;
  }
}

const request = (n: number): Inbound<'deliveries'> => ({
  value: {
    deliveryId: `d${n}`,
    tenantId: '00000000-0000-4000-8000-000000000001',
    subscriptionId: '00000000-0000-4000-8000-000000000002',
    trigger: 'datasource_refresh_completed',
    eventId: `e${n}`,
    body: '{}',
    requestedAt: new Date(0).toISOString(),
  } as unknown as DeliveryRequest,
  key: 's',
  partition: 0,
  offset: String(n),
  timestamp: 0,
});

class Refused extends Error {}

/** Turns a handler's Refused into a rejection of the whole batch: a filter as a user would write one. */
@Catch(Refused)
class RefusedToRejections implements ExceptionFilter {
  catch(error: Refused, host: ArgumentsHost): Observable<Array<Rejection<'deliveries'>>> {
    const batch = host.switchToRpc().getData<Array<Inbound<'deliveries'>>>();
    return of(batch.map((message) => ({ message, reason: error.message })));
  }
}

@Injectable()
class CountingInterceptor implements NestInterceptor {
  static seen: Array<{ topic: string; size: number }> = [];
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const batch = context.switchToRpc().getData<unknown[]>();
    const ctx = context.switchToRpc().getContext<KafkaBatchContext>();
    CountingInterceptor.seen.push({ topic: ctx.getTopic(), size: batch.length });
    return next.handle().pipe(map((result) => result));
  }
}

@Controller()
class DeliveriesHandlers {
  readonly received: Array<{ batch: Array<Inbound<'deliveries'>>; topic: string; group: string }> = [];
  readonly audited: string[] = [];
  readonly durable = Promise.resolve('written');
  failWith?: Error;

  @OnTopic('deliveries', { group: 'deliveries', lingerMs: 7, fromBeginning: false })
  @UseInterceptors(CountingInterceptor)
  @UseFilters(RefusedToRejections)
  async schedule(batch: Array<Inbound<'deliveries'>>, context: KafkaBatchContext): Promise<Array<Rejection<'deliveries'>>> {
    if (this.failWith) throw this.failWith;
    this.received.push({ batch, topic: context.getTopic(), group: context.getGroup() });
    await context.heartbeat();
    context.commitAfter(this.durable);
    return batch.filter((m) => m.offset === '2').map((message) => ({ message, reason: 'offset 2 is refused' }));
  }

  /** The same topic in a second group: a consumer of its own, called for its own batches only. */
  @OnTopic('deliveries', { group: 'audit' })
  async audit(batch: Array<Inbound<'deliveries'>>): Promise<void> {
    this.audited.push(...batch.map((m) => m.value.deliveryId));
  }

  // @ts-expect-error a handler of the deliveries topic must take delivery requests, not events
  @OnTopic('deliveries', { group: 'mistyped' })
  async mistyped(_batch: Array<Inbound<'events'>>): Promise<void> {}
}

async function boot(controller: new (...args: never[]) => unknown) {
  const consumers = new RecordingConsumers();
  const moduleRef = await Test.createTestingModule({
    controllers: [controller],
    providers: [{ provide: TopicConsumers, useValue: consumers }, KafkaTransport],
  }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  connectKafkaTransport(app);
  await app.init();
  return { app, consumers, start: () => app.startAllMicroservices() };
}

describe('KafkaTransport: @OnTopic handlers in Nest controllers, consumed by TopicConsumers', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    CountingInterceptor.seen = [];
  });

  it('starts one consumer per handler with its options, and hands each its decoded batch, its context and its rejections back', async () => {
    const booted = await boot(DeliveriesHandlers);
    app = booted.app;
    await booted.start();
    const handlers = app.get(DeliveriesHandlers);

    expect(booted.consumers.started.map(({ topic, group, lingerMs, fromBeginning }) => ({ topic, group, lingerMs, fromBeginning }))).toEqual([
      { topic: 'deliveries', group: 'deliveries', lingerMs: 7, fromBeginning: false },
      { topic: 'deliveries', group: 'audit', lingerMs: undefined, fromBeginning: undefined },
      { topic: 'deliveries', group: 'mistyped', lingerMs: undefined, fromBeginning: undefined },
    ]);

    const heartbeat = jest.fn(async () => undefined);
    const commitAfter = jest.fn();
    const batch = [request(1), request(2), request(3)];
    const rejected = await booted.consumers.consumer('deliveries', 'deliveries').handle(batch, { heartbeat, commitAfter });

    expect(handlers.received).toEqual([{ batch, topic: 'deliveries', group: 'deliveries' }]);
    expect(heartbeat).toHaveBeenCalled();
    expect(commitAfter).toHaveBeenCalledWith(handlers.durable);
    expect(rejected).toEqual([{ message: batch[1], reason: 'offset 2 is refused' }]);
    expect(handlers.audited).toEqual([]);

    await booted.consumers.consumer('deliveries', 'audit').handle([request(4)], { heartbeat, commitAfter });
    expect(handlers.audited).toEqual(['d4']);
    expect(handlers.received).toHaveLength(1);
  });

  it('runs the handler’s interceptors and exception filters around each batch', async () => {
    const booted = await boot(DeliveriesHandlers);
    app = booted.app;
    await booted.start();
    const handlers = app.get(DeliveriesHandlers);
    handlers.failWith = new Refused('the batch is refused');
    const batch = [request(1), request(2)];

    const rejected = await booted.consumers.consumer('deliveries', 'deliveries').handle(batch, { heartbeat: async () => undefined, commitAfter: () => undefined });

    expect(CountingInterceptor.seen).toEqual([{ topic: 'deliveries', size: 2 }]);
    expect(rejected).toEqual(batch.map((message) => ({ message, reason: 'the batch is refused' })));
  });

  it('gives the consumer the error the handler threw, so an outage is retried and a bad message isolated', async () => {
    const booted = await boot(DeliveriesHandlers);
    app = booted.app;
    await booted.start();
    const handlers = app.get(DeliveriesHandlers);
    const outage = new Unavailable('the database is restarting');
    handlers.failWith = outage;

    await expect(booted.consumers.consumer('deliveries', 'deliveries').handle([request(1)], { heartbeat: async () => undefined, commitAfter: () => undefined })).rejects.toBe(outage);
  });

  it('refuses to boot on a pattern that is not a topic of the contracts, naming it', async () => {
    @Controller()
    class Misspelled {
      @EventPattern({ topic: 'delivery', group: 'deliveries' })
      async handle(): Promise<void> {}
    }
    const booted = await boot(Misspelled);
    app = booted.app;

    await expect(booted.start()).rejects.toThrow(/cannot consume the pattern \{"group":"deliveries","topic":"delivery"\}.*@OnTopic.*deliveries, /);
    expect(booted.consumers.started).toEqual([]);
  });

  it('refuses to boot on a request handler: the transport only consumes', async () => {
    @Controller()
    class Asks {
      @MessagePattern({ topic: 'registryRequests', group: 'requests' })
      async answer(): Promise<void> {}
    }
    const booted = await boot(Asks);
    app = booted.app;

    await expect(booted.start()).rejects.toThrow(/answers no requests/);
  });

  it('stops the consumers when the app closes', async () => {
    const booted = await boot(DeliveriesHandlers);
    await booted.start();
    await booted.app.close();
    expect(booted.consumers.stopped).toBe(1);
  });
});
