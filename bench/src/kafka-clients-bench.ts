import 'reflect-metadata';
import { provisionInfra, REPO_ROOT } from '@tripline/testing';
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createTopic } from './baselines';
import { CpuAccounting, type CpuSnapshot } from './cpu-accounting';
import { benchMessage, type KafkaClientName, type KafkaClientRole } from './kafka-client-worker';
import { perSecond } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MESSAGES = Number(process.env.BENCH_KAFKA_MESSAGES ?? 60_000);
const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic', 'mixed'];
const ROLES: KafkaClientRole[] = ['produce', 'consume', 'relay'];
/** `mixed` differs from kafkajs only in its producer: measured where it both consumes and produces. */
const measures = (role: KafkaClientRole, client: KafkaClientName) => client !== 'mixed' || role === 'relay';

interface Run {
  client: KafkaClientName;
  role: KafkaClientRole;
  round: number;
  messagesPerSecond: number;
  /** CPU µs per message: the client's process (its measured window), the broker's JVM over the same window. */
  clientMicros: number;
  brokerMicros: number;
}

/**
 * `npm run bench:kafka-clients`: kafkajs (what libs/kafka is built on) against
 * `@platformatic/kafka`, doing what Tripline's services do with Kafka, each client in a process of
 * its own (bench/src/kafka-client-worker.ts): publish, drain as a group member, and relay
 * (drain, publish one for each, commit). Rounds interleave the clients, alternating which goes
 * first, so the machine's changing speed falls on both. Writes bench/results/kafka-clients-<date>.json.
 */
async function main(): Promise<void> {
  const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
  const { infra, stop } = await provisionInfra(log);
  const kafka = new Kafka({ clientId: 'bench-kafka-clients', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const cpu = new CpuAccounting(() => ({}));
  const runs: Run[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const role of ROLES) {
      for (const client of (round % 2 === 1 ? CLIENTS : [...CLIENTS].reverse()).filter((c) => measures(role, c))) {
        const inTopic = `${infra.namespace}bench.kc.${round}.${role}.${client}`;
        const outTopic = `${inTopic}.out`;
        await createTopic(kafka, inTopic);
        if (role === 'relay') await createTopic(kafka, outTopic);
        if (role !== 'produce') await fill(producer, inTopic, MESSAGES);
        const run = await measure(cpu, client, role, round, infra.kafkaBrokers, inTopic, outTopic);
        log(`round ${round} ${role} ${client}: ${run.messagesPerSecond} msg/s, ${run.clientMicros} µs client + ${run.brokerMicros} µs broker per message`);
        runs.push(run);
      }
    }
  }
  await producer.disconnect();
  const summary = summarize(runs);
  printTable(summary);
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `kafka-clients-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeFileSync(file, `${JSON.stringify({ node: process.version, messages: MESSAGES, rounds: ROUNDS, versions: versions(), summary, runs }, null, 2)}\n`);
  log(`results written to ${path.relative(REPO_ROOT, file)}`);
  await stop();
}

async function fill(producer: Producer, topic: string, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 1_000) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(1_000, count - sent) }, (_, i) => benchMessage(sent + i)) });
  }
}

function measure(cpu: CpuAccounting, client: KafkaClientName, role: KafkaClientRole, round: number, brokers: string[], inTopic: string, outTopic: string): Promise<Run> {
  const worker = fork(path.join(__dirname, 'kafka-client-worker.js'), [client, role, brokers.join(','), inTopic, outTopic, String(MESSAGES)], { stdio: 'inherit' });
  let before: CpuSnapshot = {};
  return new Promise<Run>((resolve, reject) => {
    worker.on('message', (message: { event: 'start' } | { event: 'done'; ms: number; cpuMicros: number }) => {
      if (message.event === 'start') before = cpu.snapshot();
      else {
        const broker = CpuAccounting.perUnit(before, cpu.snapshot(), MESSAGES).broker;
        resolve({ client, role, round, messagesPerSecond: perSecond(MESSAGES, message.ms), clientMicros: Math.round(message.cpuMicros / MESSAGES), brokerMicros: broker });
      }
    });
    worker.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`${client} ${role} worker exited with ${code}`))));
  });
}

type Figures = { messagesPerSecond: number; clientMicros: number; brokerMicros: number };
type Summary = Record<KafkaClientRole, Partial<Record<KafkaClientName, Figures>>>;

/** The median of each figure over the rounds. */
function summarize(measured: Run[]): Summary {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const summary = {} as Summary;
  for (const role of ROLES) {
    summary[role] = {};
    for (const client of CLIENTS.filter((c) => measures(role, c))) {
      const of = measured.filter((r) => r.role === role && r.client === client);
      summary[role][client] = {
        messagesPerSecond: median(of.map((r) => r.messagesPerSecond)),
        clientMicros: median(of.map((r) => r.clientMicros)),
        brokerMicros: median(of.map((r) => r.brokerMicros)),
      };
    }
  }
  return summary;
}

function printTable(summary: Summary): void {
  const rows = ['| role | client | msg/s | CPU-µs per message: client + broker | client CPU ÷ kafkajs\' |', '|---|---|---|---|---|'];
  for (const role of ROLES) {
    const base = summary[role].kafkajs!;
    for (const [client, f] of Object.entries(summary[role])) {
      rows.push(`| ${role} | ${client} | ${f.messagesPerSecond} | ${f.clientMicros} + ${f.brokerMicros} | ${(f.clientMicros / base.clientMicros).toFixed(2)} |`);
    }
  }
  process.stdout.write(`\nKafka clients, ${MESSAGES} messages of about 640 bytes, median of ${ROUNDS} rounds\n\n${rows.join('\n')}\n`);
}

function versions(): Record<string, string> {
  const of = (where: string, name: string) => (JSON.parse(readFileSync(path.join(REPO_ROOT, where, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return { kafkajs: of('.', 'kafkajs'), '@platformatic/kafka': of('.tripline/bench-clients', '@platformatic/kafka') };
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
