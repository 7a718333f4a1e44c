import { Inject, Injectable } from '@nestjs/common';
import { Unavailable } from '@tripline/kafka';
import { EVALUATOR_ENV, type EvaluatorEnv } from '../evaluator.env';
import { SubscriptionChangeOffsets, type AppliedOffsets, type PartitionEnds } from './subscription-change-offsets';

/**
 * Events and subscription changes arrive on different topics, so without care an event could be
 * matched before a subscription made just before it was applied: the gateway answered 201, the
 * event was accepted after that, and still nothing fires. So a match counts only once it is known
 * to have seen every subscription change published before the match began.
 *
 * The check runs beside the query rather than before it: the topic's ends are read while the
 * query runs, and compared with the applied offsets last read, which were read before the query
 * began. In the steady state (no new subscription changes) that settles it: the check costs the
 * ends' read, overlapped with the query, and not the group's offsets, which were read before
 * every batch and awaited before the query. Only when changes are behind does it wait for them
 * to be applied, and then run the query again.
 */
@Injectable()
export class SubscriptionCatchUp {
  /** The applied offsets last read; they only grow, so an older reading is a safe lower bound. */
  private applied: AppliedOffsets = new Map();

  constructor(
    private readonly offsets: SubscriptionChangeOffsets,
    @Inject(EVALUATOR_ENV) private readonly env: EvaluatorEnv,
  ) {}

  /** The query's result, from an index that held every subscription change published before this call. */
  async read<T>(query: () => Promise<T>): Promise<T> {
    const known = this.applied;
    const [ends, result] = await Promise.all([this.offsets.ends(), query()]);
    if (covers(known, ends)) return result;
    await this.waitUntilApplied(ends);
    return query();
  }

  private async waitUntilApplied(ends: PartitionEnds[]): Promise<void> {
    const deadline = Date.now() + this.env.SUBSCRIPTION_CATCH_UP_TIMEOUT_MS;
    for (;;) {
      this.applied = await this.offsets.applied();
      if (covers(this.applied, ends)) return;
      if (Date.now() > deadline) {
        throw new Unavailable(`subscription changes not applied within ${this.env.SUBSCRIPTION_CATCH_UP_TIMEOUT_MS} ms; retrying the batch`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Whether every partition has been applied up to its end (a partition never applied: up to its start). */
function covers(applied: AppliedOffsets, ends: PartitionEnds[]): boolean {
  return ends.every(({ partition, low, high }) => (applied.get(partition) ?? low) >= high);
}
