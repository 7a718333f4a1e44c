import 'reflect-metadata';
import { provisionInfra, REPO_ROOT, startStack, type ServiceName } from '@tripline/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { consumerBaseline, httpBaseline, producerBaseline } from './baselines';
import { BenchReceiver } from './bench-receiver';
import { ConsoleBench, type ConsolePageTiming } from './console-bench';
import { drainRounds, latencyRounds, type LatencyRounds } from './comparison';
import { DurableBaselines, type Drain } from './durable-baselines';
import { describeMachine } from './machine';
import type { StatementReport } from './statement-stats';
import type { Latency } from './stats';
import { TriplineBench } from './tripline-bench';

/** Tripline's in-flight limit (DISPATCH_CONCURRENCY), and B4's and B5's. */
const IN_FLIGHT = 400;
/** Issue 17's protocol: three drains of each, five latency runs of 60 s; fewer for a quick look (BENCH_ROUNDS=1 ...). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 5);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 60);
/**
 * A fixed latency load (events/s) instead of 0.1 × B4's: for comparing two commits run an hour
 * apart, when B4's own rate (and so the load) moved with the machine's speed.
 */
const LATENCY_RATE = process.env.BENCH_LATENCY_RATE ? Number(process.env.BENCH_LATENCY_RATE) : null;

/**
 * `npm run bench`: the raw limits (B1-B3), the durable baselines (B4 minimal, B5 BullMQ) and
 * Tripline end to end, in one run on one machine, everything on loopback. Prints a table and
 * writes bench/results/<date>.json.
 */
async function main(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
  const started = Date.now();
  const { infra, stop } = await provisionInfra(log);
  const receiver = await new BenchReceiver().start();
  const ns = infra.namespace;

  log('B1: bare producer...');
  const b1 = await producerBaseline(infra.kafkaBrokers, `${ns}bench.b1`, 100_000);
  log('B3: bare HTTP...');
  const b3 = await httpBaseline(receiver, 30_000);
  log('B2: bare consumer → HTTP...');
  const b2 = await consumerBaseline(infra.kafkaBrokers, `${ns}bench.b2`, receiver, 20_000, 10);

  log('starting Tripline...');
  const stack = await startStack('bench', {
    LOG_LEVEL: 'error',
    // One receiver stands for many endpoints, and one tenant for many tenants: per-endpoint
    // and per-tenant limits must not be what is measured.
    DISPATCH_ENDPOINT_RATE: '100000',
    DISPATCH_ENDPOINT_CONCURRENCY: '200',
    DISPATCH_CONCURRENCY: String(IN_FLIGHT),
    DISPATCH_TENANT_CONCURRENCY: String(IN_FLIGHT),
    // The fan-out figure subscribes 10,000 endpoints of one tenant.
    REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT: '100000',
    DISPATCH_RETRY_SCHEDULE: '0,1s,5s',
  });
  const bench = new TriplineBench(stack, receiver);
  const idleMemory = bench.memory();
  const sources = Array.from({ length: 20 }, (_, i) => `ds-${i}`);
  await bench.subscribe(sources);

  // A warm-up first: the figure is the steady rate, not the first seconds' JIT compilation,
  // connection pool growth and statement preparation.
  log('Tripline: warm-up...');
  await bench.saturation(sources, 2_000);
  log('B4 and B5: starting and warming up...');
  const baselines = new DurableBaselines(infra.kafkaBrokers, ns, infra.databaseUrl, receiver, await bench.deliveryRequest(), IN_FLIGHT);
  await baselines.start();
  if (baselines.b5Missing) log(`B5 left out: ${baselines.b5Missing}`);

  const peak: Record<string, number> = {};
  const sampler = setInterval(() => {
    for (const [name, mb] of Object.entries(bench.memory())) peak[name] = Math.max(peak[name] ?? 0, mb);
  }, 250);
  const drains = await drainRounds(ROUNDS, stack, bench, baselines, sources, infra.databaseUrl, log);
  clearInterval(sampler);
  log('Tripline: HTTP ingestion...');
  const http = await bench.httpIngestion(sources, 5_000);
  // A tenth of B4's sustained rate: the load stays put when Tripline gets faster.
  const rate = LATENCY_RATE ?? Math.max(1, Math.round(drains.median.b4.deliveriesPerSecond / 10));
  const latencies = await latencyRounds(LATENCY_RUNS, rate, LATENCY_SECONDS, bench, baselines, sources, log);
  await baselines.stop();
  log('Tripline: fan-out to 10,000 subscriptions...');
  const fanOut = await bench.fanOut(10_000);
  log('Tripline: matching with 100 and 100,000 unrelated subscriptions...');
  const match100 = await bench.matching(100, 10_000);
  const match100k = await bench.matching(100_000, 10_000);
  log('console: pages on 10,000 subscriptions and 100,000 deliveries...');
  const consoleBench = new ConsoleBench(stack, infra.databaseUrl);
  const consoleDataSet = await consoleBench.topUp(100_000);
  const consolePages = await consoleBench.pages(5);
  await stack.stop();
  await receiver.stop();
  const machine = await describeMachine(infra);
  await stop();

  const { median } = drains;
  const b5 = median.b5 as Drain | undefined;
  const latencyGoalRuns = latencies.runs.tripline.filter((l) => l.p50 < 20 && l.p99 < 100).length;
  const ratios = {
    cpuPerDeliveryVsB4: round(median.tripline.cpuMicrosPerDelivery.total / median.b4.cpuMicrosPerDelivery.total),
    deliveriesVsB4: round(median.tripline.deliveriesPerSecond / median.b4.deliveriesPerSecond),
    deliveriesVsB5: b5 ? round(median.tripline.deliveriesPerSecond / b5.deliveriesPerSecond) : null,
    deliveriesVsB2: round(median.tripline.deliveriesPerSecond / b2.deliveriesPerSecond),
    matching100kVs100: round(match100k.eventsPerSecond / match100.eventsPerSecond),
    fanOutVsBudget: round(fanOut.lastCallbackMs / ((2 * 10_000 * 1000) / median.tripline.deliveriesPerSecond)),
  };
  const result = {
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    inFlight: IN_FLIGHT,
    baselines: { b1Producer: b1, b2ConsumerToHttp: b2, b3Http: b3, b4Durable: drains.drains.b4, b5BullMq: baselines.b5Missing ? { missing: baselines.b5Missing } : drains.drains.b5 },
    drains: drains.drains,
    median,
    statementsPerDelivery: drains.statements,
    latencyAtFixedLoad: { ...latencies, fixedRate: LATENCY_RATE !== null },
    tripline: { httpIngestion: http, fanOut, matching: [match100, match100k], memoryMB: { idle: idleMemory, peakUnderLoad: peak as Record<ServiceName, number> } },
    console: { dataSet: consoleDataSet, pages: consolePages },
    ratios,
    goals: {
      cpuPerDeliveryAtMostTwiceB4: ratios.cpuPerDeliveryVsB4 <= 2,
      deliveriesAtLeastHalfOfB4: ratios.deliveriesVsB4 >= 0.5,
      latencyP50Under20AndP99Under100In4Of5: latencyGoalRuns >= Math.ceil((LATENCY_RUNS * 4) / 5),
      deliveriesAtLeast1point5xB5: ratios.deliveriesVsB5 === null ? null : ratios.deliveriesVsB5 >= 1.5,
      subscribeCallsAtLeast1000PerSecond: fanOut.subscribeCallsPerSecond >= 1000,
      matching100kAtLeast80PercentOf100: ratios.matching100kVs100 >= 0.8,
      fanOutWithinTwiceTheSustainedTime: ratios.fanOutVsBudget <= 1,
      consolePagesWithinASecond: consolePages.every((p) => p.ms.max < 1000),
    },
  };
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  print(result);
  log(`written ${path.relative(REPO_ROOT, file)} in ${result.durationSeconds} s`);
}

const round = (n: number) => Math.round(n * 100) / 100;

function print(r: {
  machine: { cpus: number; memoryGiB: number };
  inFlight: number;
  baselines: { b1Producer: { messagesPerSecond: number }; b2ConsumerToHttp: { deliveriesPerSecond: number; latency: { p50: number; p99: number } }; b3Http: { requestsPerSecond: number }; b5BullMq: Drain[] | { missing: string } };
  drains: Record<string, Drain[]>;
  median: Record<string, Drain>;
  statementsPerDelivery: { b4: StatementReport; tripline: StatementReport };
  /** `fixedRate`: the load was BENCH_LATENCY_RATE, not 0.1 × B4 (the latency goal is then not this run's to judge). */
  latencyAtFixedLoad: LatencyRounds & { fixedRate?: boolean };
  tripline: {
    httpIngestion: { eventsPerSecond: number };
    fanOut: { lastCallbackMs: number; setupSeconds: number; subscribeCallsPerSecond: number };
    matching: Array<{ unrelatedSubscriptions: number; eventsPerSecond: number }>;
    memoryMB: { idle: Record<string, number>; peakUnderLoad: Record<string, number> };
  };
  console: { dataSet: { subscriptions: number; deliveries: number }; pages: ConsolePageTiming[] };
  ratios: Record<string, number | null>;
  goals: Record<string, boolean | null>;
}): void {
  const names: Record<string, string> = { b4: 'B4 durable minimal', b5: 'B5 BullMQ on durable Redis', tripline: 'Tripline' };
  const cpu = (d: Drain) => Object.entries(d.cpuMicrosPerDelivery).map(([name, us]) => `${name} ${us}`).join(', ');
  const latencies = (runs: Latency[]) => runs.map((l) => `${l.p50}/${l.p95}/${l.p99}`).join('  ');
  const load = r.latencyAtFixedLoad;
  const rows: Array<[string, string]> = [
    [`machine`, `${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB; ${r.inFlight} callbacks in flight at most`],
    ['B1 bare producer (acks=all)', `${r.baselines.b1Producer.messagesPerSecond} msg/s`],
    ['B2 bare consumer → HTTP', `${r.baselines.b2ConsumerToHttp.deliveriesPerSecond} deliveries/s, p50 ${r.baselines.b2ConsumerToHttp.latency.p50} ms, p99 ${r.baselines.b2ConsumerToHttp.latency.p99} ms`],
    ['B3 bare HTTP POST', `${r.baselines.b3Http.requestsPerSecond} req/s`],
    ...('missing' in r.baselines.b5BullMq ? [['B5 BullMQ', `left out: ${r.baselines.b5BullMq.missing}`] as [string, string]] : []),
    ['drains (deliveries/s, each run)', 'CPU µs per delivery of the median run'],
    ...Object.entries(r.median).flatMap(([kind, median]): Array<[string, string]> => [
      [`  ${names[kind]}`, `${r.drains[kind].map((d) => d.deliveriesPerSecond).join(', ')} → median ${median.deliveriesPerSecond}/s`],
      ['    CPU µs per delivery', cpu(median)],
    ]),
    ...(['b4', 'tripline'] as const).flatMap((kind): Array<[string, string]> => {
      const s = r.statementsPerDelivery[kind];
      return [
        [`  Postgres per delivery, ${names[kind]}`, `${s.commitsPerUnit} commits, ${s.rowsInsertedPerUnit} rows inserted, ${s.rowsUpdatedPerUnit} updated`],
        ...(s.statements ?? []).slice(0, 6).map((st): [string, string] => [`    ${st.callsPerUnit} calls, ${st.microsPerUnit} µs`, st.query.slice(0, 100)]),
      ];
    }),
    ['Tripline HTTP ingestion (202)', `${r.tripline.httpIngestion.eventsPerSecond} events/s`],
    [`latency at ${load.rate}/s (${load.fixedRate ? 'BENCH_LATENCY_RATE' : '0.1 × B4'}), ${load.seconds} s`, 'p50/p95/p99 ms of each run'],
    ...Object.entries(load.runs).filter(([, runs]) => runs.length > 0).map(([kind, runs]): [string, string] => [`  ${names[kind]}`, latencies(runs)]),
    ['  Tripline per hop (p50 / p99)', Object.entries(load.hops).map(([hop, l]) => `${hop} ${l.p50} / ${l.p99} ms`).join(', ')],
    ['fan-out: 1 event → 10,000 callbacks', `${r.tripline.fanOut.lastCallbackMs} ms (subscribing took ${r.tripline.fanOut.setupSeconds} s)`],
    ['subscribe calls (32 in flight)', `${r.tripline.fanOut.subscribeCallsPerSecond} calls/s`],
    ...r.tripline.matching.map((m): [string, string] => [`matching with ${m.unrelatedSubscriptions} unrelated subscriptions`, `${m.eventsPerSecond} events/s`]),
    ['memory idle (MB)', JSON.stringify(r.tripline.memoryMB.idle)],
    [`console on ${r.console.dataSet.subscriptions} subscriptions, ${r.console.dataSet.deliveries} deliveries`, 'load until the list shows, p50 / max'],
    ...r.console.pages.map((p): [string, string] => [`  ${p.page}`, `${p.ms.p50} / ${p.ms.max} ms`]),
    ['memory peak under load (MB)', JSON.stringify(r.tripline.memoryMB.peakUnderLoad)],
    ...Object.entries(r.ratios).map(([k, v]): [string, string] => [`ratio ${k}`, String(v ?? 'n/a')]),
    ...Object.entries(r.goals).map(([k, v]): [string, string] => [`goal ${k}`, v === null ? 'n/a' : v ? 'met' : 'MISSED']),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

main().catch((error) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
