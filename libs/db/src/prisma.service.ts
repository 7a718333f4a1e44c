import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/client';

export const DATABASE_URL = Symbol('DATABASE_URL');

/** What failed in the Postgres client: opening a connection, or a connection already open (in use or idle in the pool). */
export type PostgresClientError = 'connect' | 'connection' | 'idle';

/**
 * The Prisma client over node-postgres (driver adapter, no native engine). Connecting is part of
 * boot: a service whose database is unreachable does not start, it fails with the reason.
 *
 * `pool` is the same connection pool, for the few statements on a hot path: a CPU profile of
 * the dispatcher at saturation showed a third of its time in Prisma's client and query
 * compiler for statements that are already raw SQL. Everything else goes through Prisma.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  readonly pool: Pool;
  private readonly errorListeners: Array<(kind: PostgresClientError) => void>;

  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    // A restarting database breaks pooled connections: the pool drops them and reconnects on
    // the next query; say so in the log instead of failing silently (or crashing).
    const listeners: Array<(kind: PostgresClientError) => void> = [];
    const report = (kind: PostgresClientError) => listeners.forEach((listener) => listener(kind));
    const warn = (what: string, kind: PostgresClientError) => (error: Error) => {
      report(kind);
      new Logger(PrismaService.name).warn(`${what}: ${error.message}`);
    };
    const pool = new Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
    countConnectFailures(pool, () => report('connect'));
    super({
      adapter: new PrismaPg(pool, {
        onPoolError: warn('idle Postgres connection lost', 'idle'),
        onConnectionError: warn('Postgres connection error', 'connection'),
        disposeExternalPool: true,
      }),
    });
    this.pool = pool;
    this.errorListeners = listeners;
  }

  /** Calls `listener` at each client failure (for the service's metrics); it runs synchronously and must not throw. */
  onClientError(listener: (kind: PostgresClientError) => void): void {
    this.errorListeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async connect(): Promise<void> {
    await this.$connect();
    await this.$queryRaw`SELECT 1`;
    this.logger.log('connected to Postgres');
  }

  /** For readiness: true when a trivial query answers. */
  async isReachable(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/**
 * Counts connections the pool could not open (the database down or refusing), whoever asked:
 * Prisma's adapter and the raw queries on `pool` both check out connections through `connect`.
 */
function countConnectFailures(pool: Pool, failed: () => void): void {
  const connect = pool.connect.bind(pool) as (callback?: (error: Error | undefined, ...rest: unknown[]) => void) => Promise<unknown> | void;
  pool.connect = ((callback?: (error: Error | undefined, ...rest: unknown[]) => void) => {
    if (callback) {
      return connect((error, ...rest) => {
        if (error) failed();
        callback(error, ...rest);
      });
    }
    return (connect() as Promise<unknown>).catch((error: unknown) => {
      failed();
      throw error;
    });
  }) as Pool['connect'];
}
