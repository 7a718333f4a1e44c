import type { KafkaConnection } from './kafka-connection';
import { KafkaRequestClient, RequestTimedOut } from './request-reply';
import type { ConsumerSpec, TopicConsumers } from './topic-consumer';
import type { TopicPublisher } from './topic-publisher';
import type { TopicId } from '@tripline/contracts';

/** A client over stand-ins: what it publishes is recorded, replies are handed to its consumer by the test. */
function client(timeoutMs = 10_000) {
  const published: Array<{ topic: string; value: { requestId: string; replyTo: string; tenantId: string } }> = [];
  let replies!: ConsumerSpec<TopicId>;
  const kafka = { endOffsets: async () => [{ partition: 0, high: '5', low: '0' }], topicName: (t: string) => t } as unknown as KafkaConnection;
  const consumers = {
    start: async (spec: ConsumerSpec<TopicId>) => {
      replies = spec;
      return { seek: () => undefined };
    },
  } as unknown as TopicConsumers;
  const publisher = {
    publish: async (topic: string, messages: Array<{ value: never }>) => void published.push(...messages.map((m) => ({ topic, value: m.value }))),
  } as unknown as TopicPublisher;
  const registry = new KafkaRequestClient(kafka, consumers, publisher, { requests: 'registryRequests', replies: 'registryReplies', answeredBy: 'subscription registry', timeoutMs });
  const reply = (to: { requestId: string; replyTo: string }, outcome: unknown) =>
    replies.handle([{ value: { ...to, outcome }, key: to.replyTo, partition: 0, offset: '5', timestamp: 0 } as never], { heartbeat: async () => undefined, commitAfter: () => undefined });
  return { registry, published, reply, replies: () => replies };
}

const tenantId = '00000000-0000-4000-8000-000000000001';

describe('KafkaRequestClient: request/reply over Kafka as a Nest ClientProxy', () => {
  it('publishes the question with a request id and its own address, and send() yields the reply addressed to it', async () => {
    const { registry, published, reply } = client();
    await registry.connect();
    const answer = registry.ask({ kind: 'get', tenantId, subscriptionId: 'S1' });
    await new Promise((resolve) => setImmediate(resolve));

    expect(published).toEqual([{ topic: 'registryRequests', value: expect.objectContaining({ kind: 'get', tenantId, subscriptionId: 'S1' }) }]);
    const asked = published[0].value;
    await reply({ requestId: asked.requestId, replyTo: 'another gateway' }, { kind: 'found', subscription: 'not mine' });
    await reply(asked, { kind: 'found', subscription: null });
    await expect(answer).resolves.toEqual({ kind: 'found', subscription: null });
  });

  it('reads the replies in a group of its own, from the end offsets taken before it joined', async () => {
    const first = client();
    const second = client();
    await first.registry.connect();
    await second.registry.connect();
    expect(first.replies().group).toMatch(/^replies\./);
    expect(first.replies().group).not.toEqual(second.replies().group);
    expect(first.replies().fromBeginning).toBe(false);
  });

  it('fails with RequestTimedOut, naming the service and the wait, when no answer comes in time', async () => {
    jest.useFakeTimers();
    try {
      const { registry } = client(2_500);
      await registry.connect();
      const answer = registry.ask({ kind: 'get', tenantId, subscriptionId: 'S1' });
      const failed = expect(answer).rejects.toThrow(new RequestTimedOut('subscription registry', 2_500));
      await jest.advanceTimersByTimeAsync(2_500);
      await failed;
      await expect(answer).rejects.toBeInstanceOf(RequestTimedOut);
      await expect(answer).rejects.toThrow('the subscription registry did not answer within 2500 ms; retry the request');
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a pattern other than its requests topic', async () => {
    const { registry } = client();
    await expect(new Promise((resolve, reject) => registry.send('dispatcherRequests', { tenantId }).subscribe({ next: resolve, error: reject }))).rejects.toThrow(
      /sends to registryRequests, not dispatcherRequests/,
    );
  });
});
