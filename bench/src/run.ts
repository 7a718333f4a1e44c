import 'reflect-metadata';
import { provisionInfra, REPO_ROOT, SERVICES, startStack, type ServiceName } from '@tripline/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { consumerBaseline, httpBaseline, producerBaseline } from './baselines';
import { BenchReceiver } from './bench-receiver';
import { ConsoleBench, type ConsolePageTiming } from './console-bench';
import { CpuAccounting } from './cpu-accounting';
import { describeMachine } from './machine';
import { TriplineBench } from './tripline-bench';

/**
 * `npm run bench`: the raw limits (B1-B3) and Tripline end to end, in one run on one machine,
 * everything on loopback. Prints a table and writes bench/results/<date>.json.
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
    DISPATCH_CONCURRENCY: '400',
    DISPATCH_TENANT_CONCURRENCY: '400',
    // The fan-out figure subscribes 10,000 endpoints of one tenant.
    REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT: '100000',
    DISPATCH_RETRY_SCHEDULE: '0,1s,5s',
  });
  const bench = new TriplineBench(stack, receiver);
  const idleMemory = bench.memory();
  const sources = Array.from({ length: 20 }, (_, i) => `ds-${i}`);
  await bench.subscribe(sources);

  log('Tripline: saturation...');
  const peak: Record<string, number> = {};
  const sampler = setInterval(() => {
    for (const [name, mb] of Object.entries(bench.memory())) peak[name] = Math.max(peak[name] ?? 0, mb);
  }, 250);
  // A warm-up first: the figure is the steady rate, not the first seconds' JIT compilation,
  // connection pool growth and statement preparation.
  await bench.saturation(sources, 2_000);
  const cpu = new CpuAccounting(() => Object.fromEntries(SERVICES.map((name) => [name, stack.services.running.get(name)?.child.pid])));
  const cpuBefore = cpu.snapshot();
  const saturation = await bench.saturation(sources, 20_000);
  const cpuPerDelivery = CpuAccounting.perUnit(cpuBefore, cpu.snapshot(), 20_000);
  clearInterval(sampler);
  log('Tripline: HTTP ingestion...');
  const http = await bench.httpIngestion(sources, 5_000);
  log('Tripline: latency at half the saturation rate...');
  const halfRate = Math.max(1, Math.floor(saturation.eventsPerSecond / 2));
  // A warm-up at that rate first, discarded: many small fetches and produces take other code
  // paths than the saturation run's large batches, in the services and in the broker's JVM (a
  // broker the bench has just started spends twice the CPU until its JIT has compiled them).
  await bench.latencyAt(sources, halfRate, 20);
  const tripLatency = await bench.latencyAt(sources, halfRate, 10);
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

  const ratios = {
    deliveriesVsB2: round(saturation.deliveriesPerSecond / b2.deliveriesPerSecond),
    latencyP99VsB2: round(tripLatency.p99 / b2.latency.p99),
    matching100kVs100: round(match100k.eventsPerSecond / match100.eventsPerSecond),
    fanOutVsBudget: round(fanOut.lastCallbackMs / ((2 * 10_000 * 1000) / saturation.deliveriesPerSecond)),
  };
  const result = {
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    baselines: { b1Producer: b1, b2ConsumerToHttp: b2, b3Http: b3 },
    tripline: { saturation, cpuMicrosPerDelivery: cpuPerDelivery, httpIngestion: http, latencyAtHalfRate: { rate: halfRate, ...tripLatency }, fanOut, matching: [match100, match100k], memoryMB: { idle: idleMemory, peakUnderLoad: peak as Record<ServiceName, number> } },
    console: { dataSet: consoleDataSet, pages: consolePages },
    ratios,
    goals: {
      deliveriesAtLeastHalfOfB2: ratios.deliveriesVsB2 >= 0.5,
      p99Under100msAtHalfRate: tripLatency.p99 < 100,
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
  baselines: { b1Producer: { messagesPerSecond: number }; b2ConsumerToHttp: { deliveriesPerSecond: number; latency: { p50: number; p99: number } }; b3Http: { requestsPerSecond: number } };
  tripline: {
    saturation: { deliveriesPerSecond: number };
    cpuMicrosPerDelivery: Record<string, number>;
    httpIngestion: { eventsPerSecond: number };
    latencyAtHalfRate: { rate: number; p50: number; p95: number; p99: number; hops: Record<string, { p50: number; p99: number }> };
    fanOut: { lastCallbackMs: number; setupSeconds: number; subscribeCallsPerSecond: number };
    matching: Array<{ unrelatedSubscriptions: number; eventsPerSecond: number }>;
    memoryMB: { idle: Record<string, number>; peakUnderLoad: Record<string, number> };
  };
  console: { dataSet: { subscriptions: number; deliveries: number }; pages: ConsolePageTiming[] };
  ratios: Record<string, number>;
  goals: Record<string, boolean>;
}): void {
  const rows: Array<[string, string]> = [
    [`machine`, `${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB`],
    ['B1 bare producer (acks=all)', `${r.baselines.b1Producer.messagesPerSecond} msg/s`],
    ['B2 bare consumer → HTTP', `${r.baselines.b2ConsumerToHttp.deliveriesPerSecond} deliveries/s, p50 ${r.baselines.b2ConsumerToHttp.latency.p50} ms, p99 ${r.baselines.b2ConsumerToHttp.latency.p99} ms`],
    ['B3 bare HTTP POST', `${r.baselines.b3Http.requestsPerSecond} req/s`],
    ['Tripline sustained (Kafka ingest)', `${r.tripline.saturation.deliveriesPerSecond} events/s = deliveries/s`],
    ['  CPU per delivery (µs)', Object.entries(r.tripline.cpuMicrosPerDelivery).map(([name, us]) => `${name} ${us}`).join(', ')],
    ['Tripline HTTP ingestion (202)', `${r.tripline.httpIngestion.eventsPerSecond} events/s`],
    [`Tripline latency at ${r.tripline.latencyAtHalfRate.rate}/s`, `p50 ${r.tripline.latencyAtHalfRate.p50} ms, p95 ${r.tripline.latencyAtHalfRate.p95} ms, p99 ${r.tripline.latencyAtHalfRate.p99} ms`],
    ['  per hop (p50 / p99)', Object.entries(r.tripline.latencyAtHalfRate.hops).map(([hop, l]) => `${hop} ${l.p50} / ${l.p99} ms`).join(', ')],
    ['fan-out: 1 event → 10,000 callbacks', `${r.tripline.fanOut.lastCallbackMs} ms (subscribing took ${r.tripline.fanOut.setupSeconds} s)`],
    ['subscribe calls (32 in flight)', `${r.tripline.fanOut.subscribeCallsPerSecond} calls/s`],
    ...r.tripline.matching.map((m): [string, string] => [`matching with ${m.unrelatedSubscriptions} unrelated subscriptions`, `${m.eventsPerSecond} events/s`]),
    ['memory idle (MB)', JSON.stringify(r.tripline.memoryMB.idle)],
    [`console on ${r.console.dataSet.subscriptions} subscriptions, ${r.console.dataSet.deliveries} deliveries`, 'load until the list shows, p50 / max'],
    ...r.console.pages.map((p): [string, string] => [`  ${p.page}`, `${p.ms.p50} / ${p.ms.max} ms`]),
    ['memory peak under load (MB)', JSON.stringify(r.tripline.memoryMB.peakUnderLoad)],
    ...Object.entries(r.ratios).map(([k, v]): [string, string] => [`ratio ${k}`, String(v)]),
    ...Object.entries(r.goals).map(([k, v]): [string, string] => [`goal ${k}`, v ? 'met' : 'MISSED']),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

main().catch((error) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
