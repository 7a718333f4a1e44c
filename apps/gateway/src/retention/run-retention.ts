import { Inject, Injectable, Optional } from '@nestjs/common';
import { daysBefore, PrismaService, RETENTION_CLOCK, RetentionJob, retentionSettings, type RetentionClock, type RetentionSweep } from '@tripline/db';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/**
 * Deletes the read model's run history (`refresh_runs`) completed more than RETENTION_RUNS_DAYS
 * ago, but never a tenant's latest run of a kind: the actions answer "the latest full refresh"
 * and "the latest unification" from it, however old. The other read-model tables hold one row
 * per data source, segment or measure (the latest), so they do not grow with time.
 */
@Injectable()
export class RunRetention extends RetentionJob {
  constructor(
    prisma: PrismaService,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
    @Optional() @Inject(RETENTION_CLOCK) clock?: RetentionClock,
  ) {
    super(prisma.pool, retentionSettings(env), clock);
  }

  protected sweeps(): RetentionSweep[] {
    return [
      {
        kind: 'refresh runs',
        cutoff: (now) => daysBefore(now, this.env.RETENTION_RUNS_DAYS),
        statement: `
          DELETE FROM refresh_runs WHERE ctid = ANY (ARRAY(
            SELECT r.ctid FROM refresh_runs r
            WHERE r.completed_at < $1
              AND EXISTS (SELECT 1 FROM refresh_runs n
                WHERE n.tenant_id = r.tenant_id AND n.kind = r.kind AND (n.completed_at, n.run_id) > (r.completed_at, r.run_id))
            LIMIT $2 FOR UPDATE OF r SKIP LOCKED))`,
      },
    ];
  }
}
