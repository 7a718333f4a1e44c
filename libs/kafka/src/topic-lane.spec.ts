import { TopicLane } from './topic-lane';

/** A send that records each request and completes when the test says. */
function recordingSend(refuse: (messages: string[]) => boolean = () => false) {
  const requests: string[][] = [];
  const pending: Array<() => void> = [];
  const send = (messages: string[]) => {
    requests.push(messages);
    return new Promise<void>((resolve, reject) => pending.push(() => (refuse(messages) ? reject(new Error('MESSAGE_TOO_LARGE')) : resolve())));
  };
  const completeAll = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { requests, send, completeAll };
}

describe('TopicLane', () => {
  it('sends a lone publish at once, in a request of its own', async () => {
    const { requests, send, completeAll } = recordingSend();
    const lane = new TopicLane(send);
    const done = lane.publish(['a']);
    expect(requests).toEqual([['a']]);
    await completeAll();
    await expect(done).resolves.toBeUndefined();
  });

  it('sends what was published during a request together in the next, in order', async () => {
    const { requests, send, completeAll } = recordingSend();
    const lane = new TopicLane(send);
    const first = lane.publish(['a']);
    const rest = [lane.publish(['b']), lane.publish(['c', 'd']), lane.publish(['e'])];
    await completeAll();
    await Promise.all([first, ...rest]);
    expect(requests).toEqual([['a'], ['b', 'c', 'd', 'e']]);
  });

  it('fails only the publish the broker refuses; those that shared its request are sent again alone and land', async () => {
    const { requests, send, completeAll } = recordingSend((messages) => messages.includes('huge'));
    const lane = new TopicLane(send);
    const first = lane.publish(['a']);
    // Each outcome, as it settles: 'sent', or the error's message.
    const settled = [lane.publish(['b']), lane.publish(['huge']), lane.publish(['c'])].map((p) => p.then(() => 'sent', (e: Error) => e.message));
    await completeAll();
    await expect(first).resolves.toBeUndefined();
    expect(await Promise.all(settled)).toEqual(['sent', 'MESSAGE_TOO_LARGE', 'sent']);
    expect(requests).toEqual([['a'], ['b', 'huge', 'c'], ['b'], ['huge'], ['c']]);
  });
});
