import { Inject, Injectable, Optional } from '@nestjs/common';
import { daysBefore, PrismaService, RETENTION_CLOCK, RetentionJob, retentionSettings, type RetentionClock, type RetentionSweep } from '@tripline/db';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';

/**
 * The gateway's retention job:
 * - the read model's run history (`refresh_runs`) completed more than RETENTION_RUNS_DAYS ago,
 *   but never a tenant's latest run of a kind: the actions answer "the latest full refresh" and
 *   "the latest unification" from it, however old. The other read-model tables hold one row per
 *   data source, segment or measure (the latest), so they do not grow with time;
 * - console sessions that ended without a sign-out: past their absolute end, or idle for
 *   CONSOLE_SESSION_IDLE_MINUTES. They are refused from that moment on anyway; this only keeps
 *   them from piling up. (A revoked key's sessions go with the key's row; deleted, by cascade.)
 * - dead letters (`dead_letters`) that failed more than RETENTION_DEAD_LETTERS_DAYS ago: the
 *   topic forgets them then too, and they hold tenants' payloads.
 */
@Injectable()
export class GatewayRetention extends RetentionJob {
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
      {
        kind: 'expired console sessions',
        cutoff: (now) => now,
        statement: `
          DELETE FROM console_sessions WHERE digest = ANY (ARRAY(
            SELECT digest FROM console_sessions WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`,
      },
      {
        kind: 'idle console sessions',
        cutoff: (now) => new Date(now.getTime() - this.env.CONSOLE_SESSION_IDLE_MINUTES * 60_000),
        statement: `
          DELETE FROM console_sessions WHERE digest = ANY (ARRAY(
            SELECT digest FROM console_sessions WHERE last_seen_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`,
      },
      {
        kind: 'dead letters',
        cutoff: (now) => daysBefore(now, this.env.RETENTION_DEAD_LETTERS_DAYS),
        statement: `
          DELETE FROM dead_letters WHERE id = ANY (ARRAY(
            SELECT id FROM dead_letters WHERE failed_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`,
      },
    ];
  }
}
