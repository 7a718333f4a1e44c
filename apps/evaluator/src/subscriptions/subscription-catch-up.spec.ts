import type { EvaluatorEnv } from '../evaluator.env';
import { SubscriptionCatchUp } from './subscription-catch-up';
import { SubscriptionChangeOffsets, type AppliedOffsets, type PartitionEnds } from './subscription-change-offsets';

/** One partition: `written` changes published, the first `appliedCount` applied to the index. */
class FakeOffsets extends SubscriptionChangeOffsets {
  written = 0n;
  low = 0n;
  appliedCount: bigint | null = null;
  appliedReads = 0;
  /** Called on every read of the applied offsets, as the changes consumer would move on meanwhile. */
  onAppliedRead = () => {};

  async ends(): Promise<PartitionEnds[]> {
    return [{ partition: 0, low: this.low, high: this.written }];
  }

  async applied(): Promise<AppliedOffsets> {
    this.appliedReads++;
    const applied = this.appliedCount === null ? new Map() : new Map([[0, this.appliedCount]]);
    this.onAppliedRead();
    return applied;
  }
}

describe('SubscriptionCatchUp', () => {
  const env = { SUBSCRIPTION_CATCH_UP_TIMEOUT_MS: 200 } as EvaluatorEnv;
  let offsets: FakeOffsets;
  let catchUp: SubscriptionCatchUp;
  /** The index as a query sees it: how many changes it holds. */
  const query = jest.fn(async () => offsets.appliedCount);

  beforeEach(() => {
    offsets = new FakeOffsets();
    catchUp = new SubscriptionCatchUp(offsets, env);
    query.mockClear();
  });

  it('runs the query again when changes published before it were not yet applied', async () => {
    offsets.written = 3n;
    offsets.appliedCount = 1n;
    offsets.onAppliedRead = () => (offsets.appliedCount = 3n);
    await expect(catchUp.read(query)).resolves.toBe(3n);
    expect(query).toHaveBeenCalledTimes(2);
  });

  it('answers from the first query, with no wait, once the index is known to be caught up', async () => {
    offsets.written = 2n;
    offsets.appliedCount = 2n;
    await catchUp.read(query); // learns the applied offsets
    query.mockClear();
    const reads = offsets.appliedReads;

    await expect(catchUp.read(query)).resolves.toBe(2n);
    expect(query).toHaveBeenCalledTimes(1);
    expect(offsets.appliedReads).toBe(reads);
  });

  it('notices a change published after it last looked', async () => {
    offsets.written = 2n;
    offsets.appliedCount = 2n;
    await catchUp.read(query);
    offsets.written = 3n; // a new subscription; the consumer applies it a moment later
    offsets.onAppliedRead = () => (offsets.appliedCount = 3n);
    await expect(catchUp.read(query)).resolves.toBe(3n);
  });

  it('fails the batch, naming the wait, when changes are never applied', async () => {
    offsets.written = 1n;
    await expect(catchUp.read(query)).rejects.toThrow('subscription changes not applied within 200 ms');
  });

  it('counts a partition nothing was applied from as caught up when it holds nothing (compacted away)', async () => {
    offsets.low = 5n;
    offsets.written = 5n;
    await expect(catchUp.read(query)).resolves.toBeNull();
    expect(query).toHaveBeenCalledTimes(1);
  });
});
