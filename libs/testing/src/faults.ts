import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readCallback, type ReceivedCallback } from './callback-receiver';
import { serviceLogTail } from './service-logs';
import type { ServiceName, ServiceProcesses } from './service-processes';
import { REPO_ROOT, testInfra, type TestInfra } from './test-infra';

// ---------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------

/**
 * `kill -9` of one service process: no shutdown hook runs, nothing is flushed or committed.
 * Waits until the process is gone and forgets it, so `services.start(name)` starts it again.
 * A service that had already exited is an error (it died on its own: that is the finding).
 */
export async function killService(services: ServiceProcesses, name: ServiceName): Promise<void> {
  const service = services.running.get(name);
  if (!service) throw new Error(`cannot kill ${name}: it is not running`);
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) {
    services.running.delete(name);
    throw new Error(`${name} had already exited (code ${child.exitCode}, signal ${child.signalCode}) before the kill:\n${serviceLogTail(name)}`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  services.running.delete(name);
}

/** Services whose process has exited although nobody stopped them, with how they ended. */
export function exitedServices(services: ServiceProcesses): Array<{ name: ServiceName; code: number | null; signal: string | null }> {
  return [...services.running.values()]
    .filter((s) => s.child.exitCode !== null || s.child.signalCode !== null)
    .map((s) => ({ name: s.name, code: s.child.exitCode, signal: s.child.signalCode }));
}

// ---------------------------------------------------------------------------------------------
// The Kafka broker
// ---------------------------------------------------------------------------------------------

/**
 * Only the broker the harness runs itself (scripts/kafka.mjs, detached, recorded in its data
 * dir) can be stopped and started from a test. A given cluster (KAFKA_BROKERS) or a container
 * cannot, and a fault test must not pretend it ran: it throws, naming the setup.
 */
function assertLocalBroker(infra: TestInfra): void {
  if (process.env.KAFKA_BROKERS) {
    throw new Error(`cannot restart the Kafka broker: KAFKA_BROKERS=${process.env.KAFKA_BROKERS} names a cluster the tests do not manage`);
  }
  if (infra.provider !== 'local') {
    throw new Error(`cannot restart the Kafka broker: this run's infrastructure is '${infra.provider}' (${infra.kafkaBrokers.join(',')}), not the local broker of scripts/kafka.mjs`);
  }
  const expected = `127.0.0.1:${process.env.KAFKA_PORT || 9092}`;
  if (infra.kafkaBrokers.length !== 1 || infra.kafkaBrokers[0] !== expected) {
    throw new Error(`cannot restart the Kafka broker: the run uses ${infra.kafkaBrokers.join(',')}, but scripts/kafka.mjs manages ${expected} (KAFKA_PORT)`);
  }
}

/** Stops the local broker (SIGTERM, as `node scripts/kafka.mjs stop`); resolves once it is gone. */
export async function stopBroker(infra: TestInfra = testInfra()): Promise<void> {
  assertLocalBroker(infra);
  const out = await run(process.execPath, [path.join(REPO_ROOT, 'scripts/kafka.mjs'), 'stop'], 60_000);
  if (!/Kafka stopped/.test(out)) throw new Error(`scripts/kafka.mjs stop did not stop a broker: ${out.trim()}`);
}

/** Starts the local broker again (same data dir, so topics and committed offsets survive); resolves once it is ready. */
export async function startBroker(infra: TestInfra = testInfra()): Promise<void> {
  assertLocalBroker(infra);
  const out = await run(process.execPath, [path.join(REPO_ROOT, 'scripts/kafka.mjs'), 'start'], 180_000);
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
  if (brokers !== infra.kafkaBrokers[0]) throw new Error(`scripts/kafka.mjs start answered ${brokers ?? out.trim()}, expected ${infra.kafkaBrokers[0]}`);
}

// ---------------------------------------------------------------------------------------------
// Postgres
// ---------------------------------------------------------------------------------------------

export interface LocalCluster {
  version: string;
  name: string;
  port: number;
}

/** The local cluster (pg_lsclusters) serving the run's database; throws when the database is not one. */
async function localPostgresCluster(infra: TestInfra = testInfra()): Promise<LocalCluster> {
  const url = new URL(infra.databaseUrl);
  const port = Number(url.port || 5432);
  if (!['127.0.0.1', 'localhost', '[::1]', ''].includes(url.hostname)) {
    throw new Error(`cannot restart Postgres: the run's database is on ${url.hostname}:${port}, not a cluster of this machine`);
  }
  if (infra.provider === 'testcontainers' && !process.env.DATABASE_URL) {
    throw new Error(`cannot restart Postgres: the run's database is in a container (port ${port}), not a local cluster`);
  }
  let listing: string;
  try {
    listing = await run('pg_lsclusters', ['--no-header'], 10_000);
  } catch (error) {
    throw new Error(`cannot restart Postgres: pg_lsclusters failed (${(error as Error).message}); only a local Debian/Ubuntu cluster can be restarted`);
  }
  const clusters = listing
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4)
    .map(([version, name, p, status]) => ({ version, name, port: Number(p), status }));
  const cluster = clusters.find((c) => c.port === port);
  if (!cluster) {
    throw new Error(`cannot restart Postgres: no local cluster listens on port ${port} (pg_lsclusters: ${clusters.map((c) => `${c.version}/${c.name}:${c.port}`).join(', ') || 'none'})`);
  }
  if (cluster.status !== 'online') throw new Error(`Postgres cluster ${cluster.version}/${cluster.name} is ${cluster.status}, expected online`);
  return { version: cluster.version, name: cluster.name, port };
}

async function pgCtl(cluster: LocalCluster, action: 'stop' | 'start'): Promise<void> {
  // --skip-systemctl-redirect: act on the cluster directly, also where systemd is not running.
  // Stopping is "fast" (pg_ctlcluster's default): clients are disconnected, like a crash of their connections.
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, action], 120_000);
}

/** Resolves once `pg_isready` says the server accepts connections. */
async function waitForPostgres(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      await run('pg_isready', ['-h', '127.0.0.1', '-p', String(port)], 10_000);
      return;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Postgres on port ${port} not ready after ${timeoutMs} ms: ${last}`);
}

/** Stops the run's local Postgres cluster; every connection of every service is cut. */
export async function stopPostgres(infra: TestInfra = testInfra()): Promise<LocalCluster> {
  const cluster = await localPostgresCluster(infra);
  await pgCtl(cluster, 'stop');
  return cluster;
}

/** Starts the cluster stopPostgres stopped, and waits until it accepts connections. */
export async function startPostgres(cluster: LocalCluster): Promise<void> {
  await pgCtl(cluster, 'start');
  await waitForPostgres(cluster.port);
}

// ---------------------------------------------------------------------------------------------
// A receiver that can go away and come back on the same port
// ---------------------------------------------------------------------------------------------

type Reply = number | Promise<number>;

/**
 * A callback endpoint that can be taken down (nothing listens: connection refused) and brought
 * back on the same port, so one subscription's callback URL sees "down", then whatever the
 * responder answers. Records every callback like CallbackReceiver.
 */
export class RestartableReceiver {
  readonly received: ReceivedCallback[] = [];
  private server?: Server;
  private port = 0;
  private responder: (callback: ReceivedCallback) => Reply = () => 200;

  /** Listens on the port it had before (a free one the first time). */
  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => {
      void readCallback(req).then((callback) => {
        this.received.push(callback);
        void Promise.resolve(this.responder(callback)).then((status) => res.writeHead(status).end());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the listener and every open connection: callers get connection refused until start(). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  url(urlPath: string): string {
    if (!this.port) throw new Error('start() the receiver once before asking for its URL');
    return `http://127.0.0.1:${this.port}${urlPath}`;
  }

  respondWith(responder: (callback: ReceivedCallback) => Reply): void {
    this.responder = responder;
  }
}

// ---------------------------------------------------------------------------------------------
// Reconciliation: what the receivers got, by event id, against what was published
// ---------------------------------------------------------------------------------------------

export interface DeliveryReconciliation {
  /** Human-readable problems; empty when every expected event arrived and duplicates agree. */
  problems: string[];
  /** Per path: expected event ids never received. */
  missing: Record<string, string[]>;
  /** Per path: received event ids that were not expected there. */
  unexpected: Record<string, string[]>;
  /** (path, event) groups whose callbacks carried more than one webhook-id (or none). */
  conflicting: Array<{ path: string; eventId: string; webhookIds: Array<string | null> }>;
  /** Per path: event ids received more than once (all with one webhook-id), and how often. */
  duplicates: Record<string, Record<string, number>>;
  /** Totals, for a one-line summary. */
  expected: number;
  callbacks: number;
  duplicateCallbacks: number;
}

/**
 * Reconciles, by event id, the callbacks a receiver got against the event ids expected at each
 * callback path: none missing, none unexpected, and each (path, event) group of callbacks
 * carrying exactly one distinct `webhook-id` (duplicates are allowed, at-least-once, but only
 * as the same delivery). Callbacks at paths not named in `expected` are ignored.
 */
export function reconcileDeliveries(
  expected: Record<string, readonly string[]>,
  received: readonly ReceivedCallback[],
  eventIdOf: (callback: ReceivedCallback) => string | undefined = (c) => (c.json as { eventId?: string } | null)?.eventId,
): DeliveryReconciliation {
  const report: DeliveryReconciliation = {
    problems: [],
    missing: {},
    unexpected: {},
    conflicting: [],
    duplicates: {},
    expected: 0,
    callbacks: 0,
    duplicateCallbacks: 0,
  };
  const groups = new Map<string, Map<string, Array<string | null>>>(); // path -> eventId -> webhook-ids
  for (const callback of received) {
    if (!(callback.path in expected)) continue;
    report.callbacks++;
    const eventId = eventIdOf(callback) ?? `(no eventId: ${callback.body.slice(0, 80)})`;
    const header = callback.headers['webhook-id'];
    const webhookId = (Array.isArray(header) ? header.join(',') : header) ?? null;
    const byEvent = groups.get(callback.path) ?? new Map<string, Array<string | null>>();
    groups.set(callback.path, byEvent);
    byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), webhookId]);
  }
  const owners = new Map<string, string>(); // webhook-id -> "path eventId"
  for (const [callbackPath, ids] of Object.entries(expected)) {
    const wanted = new Set(ids);
    report.expected += wanted.size;
    const got = groups.get(callbackPath) ?? new Map<string, Array<string | null>>();
    const missing = [...wanted].filter((id) => !got.has(id));
    const unexpected = [...got.keys()].filter((id) => !wanted.has(id));
    if (missing.length > 0) {
      report.missing[callbackPath] = missing;
      report.problems.push(`${callbackPath}: ${missing.length} of ${wanted.size} events never arrived: ${missing.join(', ')}`);
    }
    if (unexpected.length > 0) {
      report.unexpected[callbackPath] = unexpected;
      report.problems.push(`${callbackPath}: ${unexpected.length} events arrived that were not published for it: ${unexpected.join(', ')}`);
    }
    for (const [eventId, webhookIds] of got) {
      const distinct = [...new Set(webhookIds)];
      if (webhookIds.length > 1) {
        (report.duplicates[callbackPath] ??= {})[eventId] = webhookIds.length;
        report.duplicateCallbacks += webhookIds.length - 1;
      }
      if (distinct.length !== 1 || distinct[0] === null) {
        report.conflicting.push({ path: callbackPath, eventId, webhookIds: distinct });
        report.problems.push(`${callbackPath} ${eventId}: ${webhookIds.length} callbacks with webhook-ids ${JSON.stringify(distinct)} (expected exactly one)`);
        continue;
      }
      const owner = owners.get(distinct[0]);
      if (owner) report.problems.push(`webhook-id ${distinct[0]} used for two deliveries: ${owner} and ${callbackPath} ${eventId}`);
      else owners.set(distinct[0], `${callbackPath} ${eventId}`);
    }
  }
  return report;
}

/** One line for logs: how many events, callbacks and duplicates a reconciliation saw. */
export function describeReconciliation(report: DeliveryReconciliation): string {
  const state = report.problems.length === 0 ? 'all delivered' : `${report.problems.length} problem(s)`;
  return `${state}: ${report.expected} expected (path, event) pairs, ${report.callbacks} callbacks, ${report.duplicateCallbacks} duplicate(s) with the same webhook-id`;
}

// ---------------------------------------------------------------------------------------------

/** Runs a command to completion; rejects with its output when it exits non-zero. */
function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: REPO_ROOT, env: process.env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error) reject(new Error(`${command} ${args.join(' ')} failed (${(error as NodeJS.ErrnoException).code ?? error.message}): ${output.trim()}`));
      else resolve(output);
    });
  });
}
