import { Client } from 'pg';

/** One statement's share of a measured window, per unit of work (a delivery). */
export interface StatementShare {
  query: string;
  callsPerUnit: number;
  rowsPerUnit: number;
  meanMs: number;
  /** Postgres execution time per unit, in µs (planning excluded). */
  microsPerUnit: number;
}

/** What Postgres did per delivery over a window: transactions and row work, and, where loaded, each statement's share. */
export interface StatementReport {
  commitsPerUnit: number;
  rowsInsertedPerUnit: number;
  rowsUpdatedPerUnit: number;
  rowsDeletedPerUnit: number;
  /** Null when pg_stat_statements is not loaded: `reason` says how to load it. */
  statements: StatementShare[] | null;
  reason?: string;
}

type DatabaseCounters = { xact_commit: number; tup_inserted: number; tup_updated: number; tup_deleted: number };

/**
 * Statements per delivery, as issue 17 asks: a `pg_stat_statements` snapshot over a measured
 * window (reset at its start, read at its end, this database's statements only), beside the
 * database's own counters (pg_stat_database), which need no extension. pg_stat_statements
 * works only where the server preloads it (`shared_preload_libraries`); without it the report
 * says so and keeps the counters.
 */
export class StatementStats {
  private before?: DatabaseCounters;

  private constructor(
    private readonly client: Client,
    private readonly unavailable: string | null,
  ) {}

  static async open(databaseUrl: string): Promise<StatementStats> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
      return new StatementStats(client, null);
    } catch (error) {
      const reason = `pg_stat_statements unavailable (${(error as Error).message}): set shared_preload_libraries = 'pg_stat_statements' and restart Postgres`;
      return new StatementStats(client, reason);
    }
  }

  async start(): Promise<void> {
    if (!this.unavailable) await this.client.query('SELECT pg_stat_statements_reset()');
    // pg_stat_database is read from a snapshot taken once per transaction: clear it for fresh counters.
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    this.before = await this.counters();
  }

  /** The window's work per unit; the statements that took at least 1% of its time, most first. */
  async report(units: number): Promise<StatementReport> {
    // Statistics reach the shared counters when a backend's transaction ends, or within a second.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await this.client.query('SELECT pg_stat_clear_snapshot()');
    const after = await this.counters();
    const before = this.before!;
    const per = (n: number) => Math.round((n / units) * 100) / 100;
    const report: StatementReport = {
      commitsPerUnit: per(after.xact_commit - before.xact_commit),
      rowsInsertedPerUnit: per(after.tup_inserted - before.tup_inserted),
      rowsUpdatedPerUnit: per(after.tup_updated - before.tup_updated),
      rowsDeletedPerUnit: per(after.tup_deleted - before.tup_deleted),
      statements: null,
    };
    if (this.unavailable) return { ...report, reason: this.unavailable };
    const { rows } = await this.client.query<{ query: string; calls: string; rows: string; total_ms: number; mean_ms: number }>(
      `SELECT query, calls, rows, total_exec_time AS total_ms, mean_exec_time AS mean_ms FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_%'
       ORDER BY total_exec_time DESC`,
    );
    const total = rows.reduce((sum, r) => sum + r.total_ms, 0);
    report.statements = rows
      .filter((r) => r.total_ms >= total / 100)
      .map((r) => ({
        query: r.query.replace(/\s+/g, ' ').trim().slice(0, 160),
        callsPerUnit: Math.round((Number(r.calls) / units) * 1000) / 1000,
        rowsPerUnit: Math.round((Number(r.rows) / units) * 1000) / 1000,
        meanMs: Math.round(r.mean_ms * 1000) / 1000,
        microsPerUnit: Math.round((r.total_ms * 1000) / units),
      }));
    return report;
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async counters(): Promise<DatabaseCounters> {
    const { rows } = await this.client.query<Record<keyof DatabaseCounters, string>>(
      'SELECT xact_commit, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()',
    );
    const r = rows[0];
    return { xact_commit: Number(r.xact_commit), tup_inserted: Number(r.tup_inserted), tup_updated: Number(r.tup_updated), tup_deleted: Number(r.tup_deleted) };
  }
}
