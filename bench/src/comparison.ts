import { SERVICES, type TestStack } from '@tripline/testing';
import { CpuAccounting } from './cpu-accounting';
import type { DurableBaseline, DurableBaselines, Drain } from './durable-baselines';
import { StatementStats, type StatementReport } from './statement-stats';
import type { Latency } from './stats';
import type { Hop, TriplineBench } from './tripline-bench';

/** Backlog sizes: each drain lasts several seconds at this machine's rates. */
const BACKLOG: Record<DurableBaseline | 'tripline', number> = { b4: 40_000, b5: 20_000, tripline: 20_000 };

export interface Rounds {
  /** Each system's drains, in the order run (interleaved: B4, B5, Tripline, B4, ...). */
  drains: Record<DurableBaseline | 'tripline', Drain[]>;
  /** The median drain of each (by deliveries per second). */
  median: Record<DurableBaseline | 'tripline', Drain>;
  /** Postgres work per delivery over the first round's B4 and Tripline drains. */
  statements: { b4: StatementReport; tripline: StatementReport };
}

export interface LatencyRounds {
  rate: number;
  seconds: number;
  runs: Record<DurableBaseline | 'tripline', Latency[]>;
  /** Where Tripline's time goes, hop by hop, in its median run (by p99). */
  hops: Record<Hop, Latency>;
}

/**
 * Issue 17's like-for-like comparison: Tripline, B4 and B5 drain the same kind of pre-filled
 * backlog in turns, `rounds` times each, so that the machine's changing speed through the run
 * falls on all of them alike.
 */
export async function drainRounds(
  rounds: number,
  stack: TestStack,
  tripline: TriplineBench,
  baselines: DurableBaselines,
  sources: string[],
  databaseUrl: string,
  log: (msg: string) => void,
): Promise<Rounds> {
  const drains: Rounds['drains'] = { b4: [], b5: [], tripline: [] };
  const stats = await StatementStats.open(databaseUrl);
  const statements: Partial<Rounds['statements']> = {};
  const cpu = new CpuAccounting(() => Object.fromEntries(SERVICES.map((name) => [name, stack.services.running.get(name)?.child.pid])));
  for (let round = 1; round <= rounds; round++) {
    for (const kind of baselines.kinds) {
      log(`round ${round}/${rounds}: ${kind.toUpperCase()} drains ${BACKLOG[kind]}...`);
      if (round === 1 && kind === 'b4') await stats.start();
      drains[kind].push(await baselines.drain(kind, BACKLOG[kind]));
      if (round === 1 && kind === 'b4') statements.b4 = await stats.report(BACKLOG.b4);
    }
    log(`round ${round}/${rounds}: Tripline drains ${BACKLOG.tripline}...`);
    if (round === 1) await stats.start();
    const before = cpu.snapshot();
    const { deliveriesPerSecond } = await tripline.saturation(sources, BACKLOG.tripline);
    drains.tripline.push({ deliveriesPerSecond, cpuMicrosPerDelivery: CpuAccounting.perUnit(before, cpu.snapshot(), BACKLOG.tripline) });
    if (round === 1) statements.tripline = await stats.report(BACKLOG.tripline);
  }
  await stats.close();
  const median = Object.fromEntries(
    Object.entries(drains).filter(([, runs]) => runs.length > 0).map(([kind, runs]) => [kind, medianBy(runs, (d) => d.deliveriesPerSecond)]),
  ) as Rounds['median'];
  return { drains, median, statements: statements as Rounds['statements'] };
}

/** Publish-to-callback latency at one fixed offered load, `rounds` runs of each system in turns, after a warm-up of each. */
export async function latencyRounds(
  rounds: number,
  rate: number,
  seconds: number,
  tripline: TriplineBench,
  baselines: DurableBaselines,
  sources: string[],
  log: (msg: string) => void,
): Promise<LatencyRounds> {
  const runs: LatencyRounds['runs'] = { b4: [], b5: [], tripline: [] };
  const hops: Array<Record<Hop, Latency>> = [];
  // Warm-ups, discarded: many small fetches and produces take other code paths than a drain's
  // large batches, in the services and in the broker's JVM.
  await tripline.latencyAt(sources, rate, 20);
  for (const kind of baselines.kinds) await baselines.latencyAt(kind, rate, 10);
  for (let round = 1; round <= rounds; round++) {
    log(`latency round ${round}/${rounds} at ${rate}/s for ${seconds} s each...`);
    const { hops: h, ...l } = await tripline.latencyAt(sources, rate, seconds);
    runs.tripline.push(l);
    hops.push(h);
    for (const kind of baselines.kinds) runs[kind].push(await baselines.latencyAt(kind, rate, seconds));
  }
  const medianRun = runs.tripline.indexOf(medianBy(runs.tripline, (l) => l.p99));
  return { rate, seconds, runs, hops: hops[medianRun] };
}

export function medianBy<T>(items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)];
}
