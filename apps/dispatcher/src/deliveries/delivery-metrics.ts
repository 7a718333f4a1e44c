import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { MetricsRegistry, sharedSample } from '@tripline/metrics';
import type { Counter, Histogram } from 'prom-client';
import type { CallbackAttempt } from '../callbacks/callback-sender';
import type { FinalStatus } from './delivery-log';

/** An attempt's outcome as a class: the status class it answered, or why there was no answer. */
export type AttemptOutcome = '2xx' | '3xx' | '4xx' | '5xx' | 'other_status' | 'no_response' | 'refused';

export function attemptOutcome({ statusCode, refused }: Pick<CallbackAttempt, 'statusCode' | 'refused'>): AttemptOutcome {
  if (refused) return 'refused';
  // A timeout or a connection that failed: nothing was answered.
  if (statusCode === null) return 'no_response';
  if (statusCode < 200 || statusCode > 599) return 'other_status';
  return `${Math.floor(statusCode / 100)}xx` as AttemptOutcome;
}

interface ScheduleCounts {
  due: number;
  in_flight: number;
  disabled: number;
}

/**
 * The dispatcher's metrics: deliveries by final outcome and attempts by duration, counted as
 * they are recorded; what is due, in flight and disabled, read from Postgres at scrape time in
 * one statement (pending deliveries off the partial index deliveries_due_idx, disabled
 * endpoints off dispatch_endpoints_disabled_idx), shared by the three gauges. Those three are
 * the database's, so every dispatcher instance reports the same: sum them with max(), not sum().
 */
@Injectable()
export class DeliveryMetrics implements OnModuleInit {
  private readonly logger = new Logger(DeliveryMetrics.name);
  private readonly deliveries: Counter<'outcome'>;
  private readonly attempts: Histogram<'outcome'>;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly prisma: PrismaService,
  ) {
    this.deliveries = metrics.counter('deliveries');
    this.attempts = metrics.histogram('attemptDuration');
  }

  onModuleInit(): void {
    const sample = sharedSample(() => this.readSchedule());
    const read = async (pick: (counts: ScheduleCounts) => number, set: (value: number) => void) => {
      try {
        set(pick(await sample()));
      } catch (error) {
        // The last value stays; the failure is counted by the Postgres client's own metric.
        this.logger.warn(`reading the delivery gauges failed: ${(error as Error).message}`);
      }
    };
    this.metrics.gauge('deliveriesDue', (g) => read((c) => c.due, (v) => g.set(v)));
    this.metrics.gauge('deliveriesInFlight', (g) => read((c) => c.in_flight, (v) => g.set(v)));
    this.metrics.gauge('endpointsDisabled', (g) => read((c) => c.disabled, (v) => g.set(v)));
  }

  /** Deliveries that reached a final outcome (once it is recorded). */
  ended(outcome: FinalStatus, count = 1): void {
    this.deliveries.inc({ outcome }, count);
  }

  attempted(result: Pick<CallbackAttempt, 'statusCode' | 'refused'>, seconds: number): void {
    this.attempts.observe({ outcome: attemptOutcome(result) }, seconds);
  }

  private async readSchedule(): Promise<ScheduleCounts> {
    const { rows } = await this.prisma.pool.query<ScheduleCounts>({
      name: 'metrics.schedule',
      text: `
        SELECT count(*) FILTER (WHERE next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now()))::int AS due,
               count(*) FILTER (WHERE locked_until >= now())::int AS in_flight,
               (SELECT count(*)::int FROM dispatch_endpoints WHERE status = 'disabled') AS disabled
        FROM deliveries WHERE status = 'pending'`,
    });
    return rows[0];
  }
}
