import { Inject, Injectable, Optional } from '@nestjs/common';
import { daysBefore, PrismaService, RETENTION_CLOCK, RetentionJob, retentionSettings, type RetentionClock, type RetentionSweep } from '@tripline/db';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';

/**
 * Deletes final deliveries (their attempts go with them: ON DELETE CASCADE) once they have been
 * final for longer than their window: delivered ones after RETENTION_DELIVERED_DAYS, the others
 * (failed, gone, cancelled) after RETENTION_FAILED_DAYS, by when they became final
 * (`completed_at`), never by when they were created.
 *
 * Never a delivery that is not final: `status` and `completed_at` are checked on the row locked
 * (FOR UPDATE), so a resend or a recovery that makes it pending again first keeps it, and one
 * that waits for this batch finds it gone. Never one whose outcome the outbox has yet to
 * publish. Rows another transaction holds are skipped until the next run (SKIP LOCKED): the
 * delivery path never waits on retention. Found through `deliveries_final_idx`
 * (status, completed_at) of final rows only, in batches of RETENTION_BATCH_SIZE.
 *
 * Batched deletes rather than time partitions: see docs/operations.md ("Retention and erasure").
 */
@Injectable()
export class DeliveryRetention extends RetentionJob {
  constructor(
    prisma: PrismaService,
    @Inject(DISPATCHER_ENV) private readonly env: DispatcherEnv,
    @Optional() @Inject(RETENTION_CLOCK) clock?: RetentionClock,
  ) {
    super(prisma.pool, retentionSettings(env), clock);
  }

  protected sweeps(): RetentionSweep[] {
    const finalBefore = (statuses: string) => `
      DELETE FROM deliveries WHERE id IN (
        SELECT id FROM deliveries
        WHERE status IN (${statuses}) AND completed_at < $1 AND NOT outcome_pending
        LIMIT $2
        FOR UPDATE SKIP LOCKED)`;
    return [
      { kind: 'delivered deliveries', cutoff: (now) => daysBefore(now, this.env.RETENTION_DELIVERED_DAYS), statement: finalBefore(`'delivered'`) },
      {
        kind: 'failed, gone and cancelled deliveries',
        cutoff: (now) => daysBefore(now, this.env.RETENTION_FAILED_DAYS),
        statement: finalBefore(`'failed', 'gone', 'cancelled'`),
      },
    ];
  }
}
