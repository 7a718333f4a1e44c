import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { daysBefore, PrismaService, RETENTION_CLOCK, RetentionJob, retentionSettings, systemClock, type RetentionClock, type RetentionCounts, type RetentionSweep } from '@tripline/db';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import { dayOf, DeliveryPartitions, type KeepRule } from '../deliveries/delivery-partitions';

/**
 * Keeps deliveries and their attempts for their windows after they became final
 * (`completed_at`, never when they were created): delivered ones RETENTION_DELIVERED_DAYS, the
 * others (failed, gone, cancelled) RETENTION_FAILED_DAYS; never a pending one, nor one whose
 * outcome the outbox has yet to publish.
 *
 * Mostly by dropping day partitions (DeliveryPartitions): a day is dropped once it is older
 * than the delivered window, after the few rows it must keep longer have moved out. Final rows
 * past the other window are deleted row by row in batches (found through
 * `deliveries_final_idx`): they are few, the failures of a day. Why partitions:
 * docs/operations.md ("Retention and erasure").
 */
@Injectable()
export class DeliveryRetention extends RetentionJob implements OnModuleInit {
  private readonly now: () => Date;

  constructor(
    prisma: PrismaService,
    private readonly partitions: DeliveryPartitions,
    @Inject(DISPATCHER_ENV) private readonly env: DispatcherEnv,
    @Optional() @Inject(RETENTION_CLOCK) clock?: RetentionClock,
  ) {
    super(prisma.pool, retentionSettings(env), clock);
    this.now = () => (clock ?? systemClock).now();
  }

  /** Before any delivery is recorded: today's partition and the week's ahead exist, or the boot fails. */
  async onModuleInit(): Promise<void> {
    const today = dayOf(this.now());
    await this.partitions.ensure(today, today, 5_000);
    const days = await this.partitions.days();
    if (!days.includes(today)) throw new Error(`deliveries: no partition for today (${today}) could be created; is another dispatcher holding the partition maintenance lock?`);
  }

  override async runOnce(now: Date = this.now()): Promise<RetentionCounts> {
    const counts = await this.partitionRun(now);
    return { ...counts, ...(await super.runOnce(now)) };
  }

  /** Creates the days ahead, then empties and drops each day past the delivered window. */
  private async partitionRun(now: Date): Promise<RetentionCounts> {
    const today = dayOf(now);
    const keep: KeepRule = {
      deliveredSince: daysBefore(now, this.env.RETENTION_DELIVERED_DAYS),
      otherFinalSince: daysBefore(now, this.env.RETENTION_FAILED_DAYS),
    };
    // The first day kept: every row of an earlier day was recorded longer ago than the window.
    const firstKept = dayOf(keep.deliveredSince);
    await this.partitions.ensure(today, today);
    const counts: RetentionCounts = { 'deliveries moved to a later day': 0, 'day partitions dropped': 0, 'deliveries in the days dropped (estimate)': 0 };
    const days = await this.partitions.days();
    const kept = days.filter((day) => day >= firstKept);
    for (const day of days) {
      if (day >= firstKept) break;
      for (;;) {
        const started = performance.now();
        const moved = await this.partitions.relocate(day, today, keep, this.settings.batchSize, kept);
        counts['deliveries moved to a later day'] += moved;
        if (moved < this.settings.batchSize || this.stopping) break;
        await this.rest(performance.now() - started);
      }
      if (this.stopping) break;
      const outcome = await this.partitions.drop(day, keep);
      if (outcome.dropped) {
        counts['day partitions dropped'] += 1;
        counts['deliveries in the days dropped (estimate)'] += outcome.approximateRows;
      }
    }
    return counts;
  }

  /** Final rows other than delivered, past their window: few, deleted with their attempts. */
  protected sweeps(): RetentionSweep[] {
    return [
      {
        kind: 'failed, gone and cancelled deliveries',
        cutoff: (now) => daysBefore(now, this.env.RETENTION_FAILED_DAYS),
        statement: `
          WITH gone AS (
            DELETE FROM deliveries d USING (
              SELECT id, log_day FROM deliveries
              WHERE status IN ('failed', 'gone', 'cancelled', 'validated') AND completed_at < $1 AND NOT outcome_pending
              LIMIT $2
              FOR UPDATE SKIP LOCKED) old
            WHERE d.id = old.id AND d.log_day = old.log_day
            RETURNING d.id, d.log_day
          ),
          attempts AS (
            DELETE FROM delivery_attempts a USING gone WHERE a.delivery_id = gone.id AND a.log_day = gone.log_day
          )
          SELECT id FROM gone`,
      },
    ];
  }
}

