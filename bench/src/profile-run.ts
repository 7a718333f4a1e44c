import 'reflect-metadata';
import { provisionInfra, REPO_ROOT, startStack } from '@tripline/testing';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BenchReceiver } from './bench-receiver';
import { partsPerUnit, summarizeProfile, type Window } from './cpu-profile-summary';
import { TriplineBench } from './tripline-bench';

/**
 * `npm run bench:profile`: where Tripline's CPU goes at saturation. Runs the stack with V8's
 * sampling profiler (node --cpu-prof) in every service, drains three backlogs as `npm run bench`
 * does, stops the stack (each service writes its profile as it exits) and prints each service's
 * self time by place and by function. The profiles stay in .tripline/profiles/<date>/ for
 * Chrome DevTools; the summary goes to bench/results/profile-<date>.json.
 */
/** Deliveries per profiled drain. */
const DRAIN = 20_000;

async function main(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`[profile] ${msg}\n`);
  const date = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const dir = path.join(REPO_ROOT, '.tripline/profiles', date);
  mkdirSync(dir, { recursive: true });
  const { stop } = await provisionInfra(log);
  const receiver = await new BenchReceiver().start();
  const stack = await startStack('profile', {
    LOG_LEVEL: 'error',
    DISPATCH_ENDPOINT_RATE: '100000',
    DISPATCH_ENDPOINT_CONCURRENCY: '200',
    DISPATCH_CONCURRENCY: '400',
    DISPATCH_TENANT_CONCURRENCY: '400',
  }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const bench = new TriplineBench(stack, receiver);
  const sources = Array.from({ length: 20 }, (_, i) => `ds-${i}`);
  await bench.subscribe(sources);
  await bench.saturation(sources, 2_000);
  // The drains' spans of the monotonic clock: the per-delivery parts count these only.
  const drains: Window[] = [];
  const now = () => Number(process.hrtime.bigint() / 1000n);
  for (let run = 1; run <= 3; run++) {
    const from = now();
    const { deliveriesPerSecond } = await bench.saturation(sources, DRAIN);
    drains.push([from, now()]);
    log(`drain ${run}: ${deliveriesPerSecond} deliveries/s (profiled, so slower than npm run bench)`);
  }
  const pids = new Map([...stack.services.running.values()].map((s) => [s.child.pid, s.name]));
  await stack.stop();
  await receiver.stop();
  await stop();

  const summary: Record<string, ReturnType<typeof summarizeProfile> & { perDelivery: ReturnType<typeof partsPerUnit> }> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
    const name = pids.get(Number(file.split('.')[3]));
    if (name) summary[name] = { ...summarizeProfile(path.join(dir, file)), perDelivery: partsPerUnit(path.join(dir, file), drains, drains.length * DRAIN) };
  }
  for (const [name, { byPlace, byFunction }] of Object.entries(summary)) {
    console.log(`\n${name}: self time by place`);
    for (const s of byPlace.slice(0, 12)) console.log(`  ${String(s.percent).padStart(5)}%  ${s.name}`);
    console.log(`${name}: by function`);
    for (const s of byFunction.slice(0, 15)) console.log(`  ${String(s.percent).padStart(5)}%  ${s.name}`);
  }
  console.log('\nbusy CPU-µs per delivery in the drains, by part (profiled: compare shares)');
  for (const [name, { perDelivery }] of Object.entries(summary)) {
    console.log(`  ${name}: ${perDelivery.busyMicros}  ${Object.entries(perDelivery.parts).map(([part, us]) => `${part} ${us}`).join(', ')}`);
  }
  const out = path.join(REPO_ROOT, 'bench/results', `profile-${date}.json`);
  writeFileSync(out, `${JSON.stringify({ date, summary }, null, 2)}\n`);
  log(`profiles in ${path.relative(REPO_ROOT, dir)}, summary in ${path.relative(REPO_ROOT, out)}`);
}

main().catch((error) => {
  console.error(`[profile] failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
