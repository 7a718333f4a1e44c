import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/client';

export const DATABASE_URL = Symbol('DATABASE_URL');

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

  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    // A restarting database breaks pooled connections: the pool drops them and reconnects on
    // the next query; say so in the log instead of failing silently (or crashing).
    const warn = (what: string) => (error: Error) => new Logger(PrismaService.name).warn(`${what}: ${error.message}`);
    const pool = new Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5_000 });
    super({
      adapter: new PrismaPg(pool, {
        onPoolError: warn('idle Postgres connection lost'),
        onConnectionError: warn('Postgres connection error'),
        disposeExternalPool: true,
      }),
    });
    this.pool = pool;
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
