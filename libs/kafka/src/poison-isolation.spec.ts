import { handleIsolated } from './poison-isolation';
import { Unavailable } from './handler-failure';

const policy = { backoffMs: [1, 2, 3], heartbeat: async () => undefined, sleep: async () => undefined };

describe('handleIsolated: a poison message never stalls the others', () => {
  it('finds the one message that fails alone, refuses it with the error, and handles every other, in order', async () => {
    const handled: number[] = [];
    const messages = Array.from({ length: 37 }, (_, n) => n);
    const refused = await handleIsolated(
      messages,
      async (part) => {
        if (part.includes(23)) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
        handled.push(...part);
        return [];
      },
      policy,
    );
    expect(refused).toEqual([{ message: 23, reason: expect.stringContaining('invalid byte sequence'), failed: true }]);
    expect(handled).toEqual(messages.filter((n) => n !== 23));
  });

  it('retries a lone message on the backoff schedule before refusing it, and keeps it when a retry succeeds', async () => {
    let calls = 0;
    const refused = await handleIsolated(
      ['deadlocked'],
      async () => {
        if (++calls < 3) throw new Error('deadlock detected');
        return [];
      },
      policy,
    );
    expect(refused).toEqual([]);
    expect(calls).toBe(3);
  });

  it('never refuses anything because of an outage: the error goes up, so the fetch is retried as a whole', async () => {
    const outages = [
      new Unavailable('subscription changes not applied yet'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('x'), { code: '08006' }) }),
      Object.assign(new Error('broker gone'), { name: 'KafkaJSNumberOfRetriesExceeded' }),
      // Prisma could not start a transaction in time: the pool is exhausted or the server unreachable.
      Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' }),
      // A deploy ahead of its migration: no message can cause a missing table.
      Object.assign(new Error('relation "entity_states" does not exist'), { code: '42P01' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      Object.assign(new Error('cannot execute UPDATE in a read-only transaction'), { code: '25006' }),
      { name: 'PrismaClientKnownRequestError', message: 'x', meta: { driverAdapterError: { cause: { originalCode: '08006' } } } },
    ];
    for (const outage of outages) {
      let calls = 0;
      await expect(
        handleIsolated([1, 2, 3], async () => {
          calls++;
          throw outage;
        }, policy),
      ).rejects.toBe(outage);
      expect(calls).toBe(1);
    }
  });

  it("treats what a message's own data caused as the message's: it is isolated, not retried forever", async () => {
    for (const code of ['22021', '22P05', '23505', '22003', '54000']) {
      const refused = await handleIsolated([1], async () => {
        throw Object.assign(new Error(`data error ${code}`), { code });
      }, policy);
      expect(refused).toEqual([{ message: 1, reason: expect.stringContaining(code), failed: true }]);
    }
  });

  it('passes on what the handler itself refuses', async () => {
    const refused = await handleIsolated([1, 2], async (part) => part.filter((n) => n === 2).map((n) => ({ message: n, reason: 'unknown tenant' })), policy);
    expect(refused).toEqual([{ message: 2, reason: 'unknown tenant' }]);
  });
});
