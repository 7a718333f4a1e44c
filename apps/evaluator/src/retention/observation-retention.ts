import { Inject, Injectable, Optional } from '@nestjs/common';
import { daysBefore, PrismaService, RETENTION_CLOCK, RetentionJob, retentionSettings, type RetentionClock, type RetentionSweep } from '@tripline/db';
import { EVALUATOR_ENV, type EvaluatorEnv } from '../evaluator.env';

/**
 * Deletes entity observations applied more than RETENTION_OBSERVATIONS_DAYS ago. An observation
 * is kept for one reason: a redelivered event replays the transition it recorded. Once its event
 * can no longer be redelivered (the window outlives the events topic's retention), it serves
 * nothing. Threshold crossing itself reads `entity_states`, which is never deleted; each entity's
 * latest observation (the one its state names) is kept anyway, so the state always has its
 * record. An observation deleted and then redelivered after all is judged against the state:
 * as old as or older than the last applied, so stale, and it fires nothing.
 *
 * Event evaluations (what "why did (not) my flow fire?" is answered from) go after the same
 * window, by when they were evaluated: they explain the same events, and an event redelivered
 * within the window finds its first record (and keeps it) as it finds its observation.
 */
@Injectable()
export class ObservationRetention extends RetentionJob {
  constructor(
    prisma: PrismaService,
    @Inject(EVALUATOR_ENV) private readonly env: EvaluatorEnv,
    @Optional() @Inject(RETENTION_CLOCK) clock?: RetentionClock,
  ) {
    super(prisma.pool, retentionSettings(env), clock);
  }

  protected sweeps(): RetentionSweep[] {
    return [
      {
        kind: 'entity observations',
        cutoff: (now) => daysBefore(now, this.env.RETENTION_OBSERVATIONS_DAYS),
        // Found by entity_observations_applied_idx; SKIP LOCKED: never waits on the evaluator.
        statement: `
          DELETE FROM entity_observations WHERE ctid = ANY (ARRAY(
            SELECT o.ctid FROM entity_observations o
            WHERE o.applied_at < $1
              AND NOT EXISTS (SELECT 1 FROM entity_states s
                WHERE s.tenant_id = o.tenant_id AND s.entity_kind = o.entity_kind AND s.entity_id = o.entity_id AND s.last_event_id = o.event_id)
            LIMIT $2 FOR UPDATE OF o SKIP LOCKED))`,
      },
      {
        kind: 'event evaluations',
        cutoff: (now) => daysBefore(now, this.env.RETENTION_OBSERVATIONS_DAYS),
        // Found by the BRIN index on evaluated_at (rows arrive in about that order); SKIP LOCKED, as above.
        statement: `
          DELETE FROM event_evaluations WHERE ctid = ANY (ARRAY(
            SELECT e.ctid FROM event_evaluations e WHERE e.evaluated_at < $1
            LIMIT $2 FOR UPDATE OF e SKIP LOCKED))`,
      },
    ];
  }
}
