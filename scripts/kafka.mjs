#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft mode) for development and tests,
// without Docker: the broker jars come from Maven Central (infra/kafka/pom.xml) and
// run on the machine's Java. Plain Node ESM with node: builtins only, because it has
// to work before `npm install` (CI starts Kafka first).
//
// Library:  const kafka = await ensureKafka({ detached, log, timeoutMs });
//           kafka.brokers -> '127.0.0.1:9092'; kafka.started; await kafka.stop();
//           await stopKafka()   // stops the broker recorded in <data dir>/broker.pid
// CLI:      node scripts/kafka.mjs start|stop|status
//
// Environment:
//   KAFKA_BROKERS           use this existing cluster instead (only checked, never started)
//   KAFKA_PORT              client port (default 9092)
//   KAFKA_CONTROLLER_PORT   KRaft controller port (default 9093)
//   TRIPLINE_KAFKA_DIR      data dir (default <repo>/.tripline/kafka, gitignored)
//   KAFKA_HEAP_OPTS         JVM heap flags (default "-Xms256m -Xmx512m")

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INFRA_DIR = path.join(REPO_ROOT, 'infra', 'kafka');
const POM = path.join(INFRA_DIR, 'pom.xml');
const LIB_DIR = path.join(INFRA_DIR, 'lib');
const LOG4J_CONFIG = path.join(INFRA_DIR, 'log4j.properties');
const INSTALL_HINT = 'install them with: sudo apt-get install -y openjdk-17-jre-headless maven';

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

function readPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name}=${raw} is not a valid TCP port`);
  }
  return port;
}

function settings() {
  const dataDir = path.resolve(process.env.TRIPLINE_KAFKA_DIR || path.join(REPO_ROOT, '.tripline', 'kafka'));
  return {
    port: readPort('KAFKA_PORT', 9092),
    controllerPort: readPort('KAFKA_CONTROLLER_PORT', 9093),
    dataDir,
    logsDir: path.join(dataDir, 'logs'),
    configFile: path.join(dataDir, 'server.properties'),
    clusterIdFile: path.join(dataDir, 'cluster.id'),
    pidFile: path.join(dataDir, 'broker.pid'),
    lockFile: path.join(dataDir, 'start.lock'),
    logFile: path.join(dataDir, 'broker.log'),
  };
}

// ---------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function seconds(sinceMs) {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log file)';
  }
}

/** Short relative path when under the current directory, absolute otherwise. */
function displayPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** Runs a command to completion, capturing stdout+stderr together. Never throws for a non-zero exit. */
function runCommand(cmd, args, { cwd = REPO_ROOT, timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: null, output: '', error });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output, error });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Maven prints ANSI colour codes even with -B when its output is a pipe.
      resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

// ---------------------------------------------------------------------------
// Kafka wire protocol: just enough to tell "a Kafka broker, ready" from anything else.
// Every request is: int32 size, then header v1 (int16 api_key, int16 api_version,
// int32 correlation_id, int16-length client_id), then the body. Every response is:
// int32 size, int32 correlation_id, body (old versions, so no tagged fields).
// ---------------------------------------------------------------------------

const API_METADATA = 3;
const API_VERSIONS = 18;
const API_FIND_COORDINATOR = 10;
let nextCorrelationId = 1;

function encodeRequest(apiKey, apiVersion, correlationId, body = Buffer.alloc(0)) {
  const clientId = Buffer.from('tripline-kafka-script');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  return Buffer.concat([size, header, clientId, body]);
}

/**
 * Sends one request and resolves with the response payload (after the size prefix).
 * Rejects with the socket error (err.code === 'ECONNREFUSED' means nothing listens),
 * or with code 'ETIMEDOUT' / 'ECLOSED' when the peer does not answer like Kafka.
 */
function kafkaRequest(port, request, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    let received = Buffer.alloc(0);
    const fail = (code, message) => {
      socket.destroy();
      reject(Object.assign(new Error(message), { code }));
    };
    socket.setTimeout(timeoutMs, () => fail('ETIMEDOUT', `no answer on ${HOST}:${port} within ${timeoutMs} ms`));
    socket.on('connect', () => socket.write(request));
    socket.on('error', (error) => fail(error.code, error.message));
    socket.on('close', () => fail('ECLOSED', `${HOST}:${port} closed the connection without a Kafka response`));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      // A non-Kafka server (HTTP, Redis...) answers with text; its first bytes make a silly size.
      if (size < 4 || size > 64 * 1024 * 1024) return fail('EPROTO', `${HOST}:${port} does not speak the Kafka protocol`);
      if (received.length < 4 + size) return;
      socket.removeAllListeners('close');
      socket.destroy();
      resolve(received.subarray(4, 4 + size));
    });
  });
}

/** ApiVersions v0: true when the answer is a well-formed, error-free Kafka response. */
async function apiVersions(port, timeoutMs) {
  const correlationId = nextCorrelationId++;
  const response = await kafkaRequest(port, encodeRequest(API_VERSIONS, 0, correlationId), timeoutMs);
  if (response.length < 10) return false;
  const sameRequest = response.readInt32BE(0) === correlationId;
  const errorCode = response.readInt16BE(4);
  const apiCount = response.readInt32BE(6);
  return sameRequest && errorCode === 0 && apiCount > 0 && response.length >= 10 + apiCount * 6;
}

/**
 * Metadata v1 for no topics: returns the brokers the cluster advertises. A broker
 * that lists itself here has joined the cluster and is unfenced, so clients can
 * produce (topics are auto-created) straight away.
 */
async function metadataBrokers(port, timeoutMs) {
  const correlationId = nextCorrelationId++;
  const noTopics = Buffer.alloc(4); // int32 0 = empty topic list (-1 would mean "all topics")
  const response = await kafkaRequest(port, encodeRequest(API_METADATA, 1, correlationId, noTopics), timeoutMs);
  if (response.readInt32BE(0) !== correlationId) return [];
  let offset = 4;
  const count = response.readInt32BE(offset);
  offset += 4;
  const brokers = [];
  for (let i = 0; i < count; i++) {
    const nodeId = response.readInt32BE(offset);
    const hostLength = response.readInt16BE(offset + 4);
    const host = response.toString('utf8', offset + 6, offset + 6 + hostLength);
    offset += 6 + hostLength;
    const port = response.readInt32BE(offset);
    const rackLength = response.readInt16BE(offset + 4);
    offset += 6 + Math.max(rackLength, 0);
    brokers.push({ nodeId, host, port });
  }
  return brokers;
}

/**
 * FindCoordinator v0 for a probe group: error code 0 once __consumer_offsets exists and has a
 * leader. The first ask creates that topic; until it is ready, consumer groups cannot join, so
 * "ready" waits for it rather than let the first services to boot meet
 * "the group coordinator is not available".
 */
async function coordinatorAvailable(port, timeoutMs) {
  const correlationId = nextCorrelationId++;
  const group = Buffer.from('tripline-kafka-script.ready');
  const body = Buffer.alloc(2 + group.length);
  body.writeInt16BE(group.length, 0);
  group.copy(body, 2);
  const response = await kafkaRequest(port, encodeRequest(API_FIND_COORDINATOR, 0, correlationId, body), timeoutMs);
  return response.length >= 6 && response.readInt32BE(0) === correlationId && response.readInt16BE(4) === 0;
}

/** What answers on a port: 'free' (nothing listens), 'kafka', or 'other'. */
async function probePort(port, timeoutMs = 3000) {
  try {
    return (await apiVersions(port, timeoutMs)) ? 'kafka' : 'other';
  } catch (error) {
    return error.code === 'ECONNREFUSED' ? 'free' : 'other';
  }
}

/** Ready = answers ApiVersions, lists at least one broker in Metadata, and has a group coordinator. */
async function isReady(port) {
  try {
    return (await apiVersions(port, 2000)) && (await metadataBrokers(port, 2000)).length > 0 && (await coordinatorAvailable(port, 5000));
  } catch {
    return false;
  }
}

function tcpConnect(host, port, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

// ---------------------------------------------------------------------------
// Processes and the pid file
// ---------------------------------------------------------------------------

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM'; // exists, owned by someone else
  }
  // A zombie (exited, not yet reaped by its parent) still "exists" for kill(0).
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** Is pid our broker for this data dir? Guards against a recycled pid after a reboot or kill -9. */
function isOurBroker(pid, dataDir) {
  if (!pid || !isAlive(pid)) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(`-Dtripline.kafka.dir=${dataDir}`);
  } catch {
    return true; // no /proc: the pid is alive, assume it is still ours
  }
}

function readPid(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Removes the pid file, but only if it still names this pid (a newer broker may have replaced it). */
function forgetPid(file, pid) {
  if (readPid(file) === pid) fs.rmSync(file, { force: true });
}

async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(200);
  }
  return !isAlive(pid);
}

/** SIGTERM lets Kafka flush and close its logs cleanly (faster next start); SIGKILL if it hangs. */
async function terminate(pid, log) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if (error.code === 'ESRCH') return;
    throw error;
  }
  if (await waitForExit(pid, STOP_GRACE_MS)) return;
  log(`Kafka: broker pid ${pid} still running ${STOP_GRACE_MS / 1000}s after SIGTERM, sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
  if (!(await waitForExit(pid, 5000))) throw new Error(`Kafka broker pid ${pid} survived SIGKILL`);
}

/**
 * Serialises starts on one data dir (two test runners, or `start` twice in parallel),
 * so only one of them launches a JVM; the other then finds the broker and reuses it.
 */
async function withStartLock(s, fn) {
  const deadline = Date.now() + 10 * 60_000; // the holder may be downloading jars
  for (;;) {
    try {
      fs.writeFileSync(s.lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = readPid(s.lockFile);
      if (!holder || !isAlive(holder)) {
        fs.rmSync(s.lockFile, { force: true }); // left by a killed start
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Kafka: gave up waiting for the start lock held by pid ${holder} (${s.lockFile})`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    forgetPid(s.lockFile, process.pid);
  }
}

// ---------------------------------------------------------------------------
// Prerequisites: Java, Maven, the jars
// ---------------------------------------------------------------------------

async function requireJava() {
  const { code, output, error } = await runCommand('java', ['-version'], { timeoutMs: 30_000 });
  if (error?.code === 'ENOENT') throw new Error(`Kafka needs Java 17 and Maven, but \`java\` is not installed; ${INSTALL_HINT}`);
  if (code !== 0) throw new Error(`\`java -version\` failed:\n${output}`);
  // "17.0.15" -> 17, "1.8.0_392" -> 8
  const [, first, second] = output.match(/version "(\d+)(?:\.(\d+))?/) ?? [];
  const major = Number(first) === 1 ? Number(second) : Number(first);
  if (!(major >= 11)) throw new Error(`Kafka 3.9 needs Java 11 or newer (17 recommended), found:\n${output}; ${INSTALL_HINT}`);
}

async function requireMaven() {
  const { error } = await runCommand('mvn', ['-v'], { timeoutMs: 60_000 });
  if (error?.code === 'ENOENT') throw new Error(`Kafka's jars are fetched with Maven, but \`mvn\` is not installed; ${INSTALL_HINT}`);
}

function kafkaVersion() {
  const version = fs.readFileSync(POM, 'utf8').match(/<kafka\.version>([^<]+)<\/kafka\.version>/)?.[1];
  if (!version) throw new Error(`no <kafka.version> in ${POM}`);
  return version;
}

function pomHash() {
  return createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
}

/** lib/ is usable when it holds the broker jar and was filled from the current pom.xml. */
function jarsAreCurrent() {
  const stamp = path.join(LIB_DIR, '.pom.sha256');
  return (
    fs.existsSync(path.join(LIB_DIR, `kafka_2.13-${kafkaVersion()}.jar`)) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8').trim() === pomHash()
  );
}

/** Drops lib.tmp-<pid> dirs left by downloads that were killed (their pid is gone). */
function removeAbandonedDownloads() {
  for (const name of fs.readdirSync(INFRA_DIR)) {
    const pid = Number(name.match(/^lib\.tmp-(\d+)$/)?.[1]);
    if (pid && (pid === process.pid || !isAlive(pid))) fs.rmSync(path.join(INFRA_DIR, name), { recursive: true, force: true });
  }
}

/**
 * Copies the broker and its dependencies into infra/kafka/lib (Maven caches them in
 * ~/.m2 too). Done in a temporary directory then renamed, so an interrupted download
 * never leaves a half-filled lib/ that looks complete.
 */
async function ensureJars(log) {
  if (jarsAreCurrent()) return;
  await requireMaven();
  const startedAt = Date.now();
  log(`Kafka: downloading Apache Kafka ${kafkaVersion()} jars with Maven (first run only)...`);
  removeAbandonedDownloads();
  const tmp = `${LIB_DIR}.tmp-${process.pid}`;
  const { code, output, error } = await runCommand('mvn', [
    '-B', '-q', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`,
  ]);
  if (code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`Maven could not fetch the Kafka jars (is Maven Central reachable?):\n${output || error?.message}`);
  }
  fs.writeFileSync(path.join(tmp, '.pom.sha256'), `${pomHash()}\n`);
  fs.rmSync(LIB_DIR, { recursive: true, force: true }); // old version's jars must not stay on the classpath
  fs.renameSync(tmp, LIB_DIR);
  log(`Kafka: jars ready in ${displayPath(LIB_DIR)} (${seconds(startedAt)})`);
}

// ---------------------------------------------------------------------------
// Broker config, storage, JVM
// ---------------------------------------------------------------------------

function writeConfig(s) {
  const lines = [
    '# Generated by scripts/kafka.mjs on every start; edit the script, not this file.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${s.controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${s.port},CONTROLLER://${HOST}:${s.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${s.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    // One node: internal topics cannot have more than one replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Fewer __consumer_offsets partitions (default 50) so the first consumer group starts faster.
    'offsets.topic.num.partitions=6',
    // Consumers join immediately instead of waiting 3 s for more members (tests).
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=6',
    'auto.create.topics.enable=true',
    `log.dirs=${s.logsDir}`,
    '',
  ];
  fs.writeFileSync(s.configFile, lines.join('\n'));
}

/** Kafka cluster ids are 16 random bytes in unpadded base64url (22 chars), like StorageTool random-uuid. */
function clusterId(s) {
  if (fs.existsSync(s.clusterIdFile)) return fs.readFileSync(s.clusterIdFile, 'utf8').trim();
  let id;
  do id = randomBytes(16).toString('base64url');
  while (id.startsWith('-')); // would be parsed as an option by StorageTool (Kafka avoids these too)
  fs.writeFileSync(s.clusterIdFile, `${id}\n`);
  return id;
}

function javaArgs(s, mainClass, args) {
  const heap = (process.env.KAFKA_HEAP_OPTS || '-Xms256m -Xmx512m').split(/\s+/).filter(Boolean);
  return [
    ...heap,
    // Kafka's own defaults from kafka-run-class.sh.
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${LOG4J_CONFIG}`,
    // Marks the process as this data dir's broker, so a stale pid can be told apart.
    `-Dtripline.kafka.dir=${s.dataDir}`,
    '-cp',
    path.join(LIB_DIR, '*'), // expanded by java itself, no shell involved
    mainClass,
    ...args,
  ];
}

/** Formats the KRaft storage once; meta.properties is StorageTool's own "already formatted" mark. */
async function formatStorage(s, log) {
  if (fs.existsSync(path.join(s.logsDir, 'meta.properties'))) return;
  log('Kafka: formatting storage (first start of this data dir)...');
  const args = javaArgs(s, 'kafka.tools.StorageTool', [
    'format', '-t', clusterId(s), '-c', s.configFile, '--ignore-formatted',
  ]);
  const { code, output } = await runCommand('java', args, { cwd: s.dataDir, timeoutMs: 120_000 });
  if (code !== 0) throw new Error(`Kafka storage format failed:\n${output}`);
}

/** Keeps the previous run's log as broker.log.1, so a crash stays readable after a restart. */
function rotateLog(s) {
  if (fs.existsSync(s.logFile)) fs.renameSync(s.logFile, `${s.logFile}.1`);
}

function launchBroker(s, detached) {
  rotateLog(s);
  const out = fs.openSync(s.logFile, 'a');
  const child = spawn('java', javaArgs(s, 'kafka.Kafka', [s.configFile]), {
    cwd: s.dataDir,
    // detached: own session, so Ctrl-C in the caller's terminal does not reach it and it outlives the caller.
    detached,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.exitInfo = null;
  child.on('exit', (code, signal) => (child.exitInfo = { code, signal }));
  child.on('error', (error) => (child.exitInfo = { error }));
  return child;
}

async function waitUntilReady(s, { pid, child, timeoutMs, what }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isReady(s.port)) return;
    // Without a pid (a broker not started by us) there is no process to watch, only the port.
    const exited = child ? child.exitInfo : !pid || isAlive(pid) ? null : { code: 'unknown' };
    if (exited) {
      const how = exited.error ? exited.error.message : `exit code ${exited.code}${exited.signal ? `, signal ${exited.signal}` : ''}`;
      throw new Error(`Kafka broker (pid ${pid}) exited during start-up (${how}). Last lines of ${s.logFile}:\n${tail(s.logFile)}`);
    }
    await sleep(500);
  }
  const hint = child ? '' : ' Stop it with `node scripts/kafka.mjs stop` and start again.';
  throw new Error(`Kafka ${what}${pid ? ` (pid ${pid})` : ''} did not become ready on ${HOST}:${s.port} within ${timeoutMs / 1000}s.${hint} Last lines of ${s.logFile}:\n${tail(s.logFile)}`);
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

const noop = async () => {};

/** KAFKA_BROKERS points at someone else's cluster: never start anything, only check it is there. */
async function useExternalBrokers(brokers, log) {
  const first = brokers.split(',')[0].trim();
  const match = first.match(/^\[?([^\]]+?)\]?:(\d+)$/);
  if (!match) throw new Error(`KAFKA_BROKERS=${brokers}: expected host:port[,host:port...]`);
  try {
    await tcpConnect(match[1], Number(match[2]));
  } catch (error) {
    throw new Error(`KAFKA_BROKERS=${brokers}, but nothing accepts connections at ${first} (${error.code || error.message})`);
  }
  log(`Kafka: using KAFKA_BROKERS=${brokers}`);
  return { brokers, started: false, stop: noop };
}

/**
 * Makes sure a Kafka broker answers, starting one if needed.
 * @param {{ log?: (msg: string) => void, detached?: boolean, timeoutMs?: number }} [options]
 *   detached: the broker outlives this process (pid in <data dir>/broker.pid; stop it
 *   with stopKafka()). Otherwise it is stopped by stop() or when this process exits.
 * @returns {Promise<{ brokers: string, started: boolean, stop(): Promise<void> }>}
 */
export async function ensureKafka({ log = console.log, detached = false, timeoutMs = READY_TIMEOUT_MS } = {}) {
  if (process.env.KAFKA_BROKERS) return useExternalBrokers(process.env.KAFKA_BROKERS.trim(), log);

  const s = settings();
  const brokers = `${HOST}:${s.port}`;
  fs.mkdirSync(s.dataDir, { recursive: true });

  return withStartLock(s, async () => {
    const found = await probePort(s.port);
    const recordedPid = readPid(s.pidFile);
    const ours = isOurBroker(recordedPid, s.dataDir);

    if (found === 'kafka' || ours) {
      // Reuse: a broker from an earlier run, or one still starting (it may not answer yet).
      await waitUntilReady(s, { pid: recordedPid, timeoutMs, what: 'broker from an earlier run' });
      log(`Kafka: reusing the broker at ${brokers}${ours ? ` (pid ${recordedPid})` : ''}`);
      return { brokers, started: false, stop: noop };
    }
    if (found === 'other') {
      throw new Error(`Port ${s.port} on ${HOST} is taken by something that is not a Kafka broker. ` +
        `Free it (see \`ss -ltnp | grep :${s.port}\`) or choose another port with KAFKA_PORT=<port>.`);
    }
    if (recordedPid) forgetPid(s.pidFile, recordedPid); // stale: the broker died (kill -9, reboot)
    if ((await probePort(s.controllerPort, 1000)) !== 'free') {
      throw new Error(`Kafka's controller port ${s.controllerPort} on ${HOST} is already in use. ` +
        `Free it or choose another with KAFKA_CONTROLLER_PORT=<port>.`);
    }
    return startBroker(s, { log, detached, timeoutMs, brokers });
  });
}

async function startBroker(s, { log, detached, timeoutMs, brokers }) {
  await requireJava();
  await ensureJars(log);
  fs.mkdirSync(s.logsDir, { recursive: true });
  writeConfig(s);
  await formatStorage(s, log);

  const startedAt = Date.now();
  log(`Kafka: starting broker on ${brokers} (log: ${displayPath(s.logFile)})...`);
  const child = launchBroker(s, detached);
  fs.writeFileSync(s.pidFile, `${child.pid}\n`);

  // Never keep the caller's event loop alive just for the broker. An attached broker
  // must not outlive us though: it gets SIGTERM when this process exits.
  child.unref();
  const killOnExit = () => child.kill('SIGTERM');
  if (!detached) process.on('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await terminate(child.pid, log);
    forgetPid(s.pidFile, child.pid);
  };

  try {
    await waitUntilReady(s, { pid: child.pid, child, timeoutMs, what: 'broker' });
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  log(`Kafka: broker ready on ${brokers} in ${seconds(startedAt)} (pid ${child.pid})`);
  return { brokers, started: true, stop };
}

/**
 * Stops the broker recorded in <data dir>/broker.pid (a detached one, or one left by a
 * previous run). Returns { stopped: false } when there was nothing of ours to stop.
 */
export async function stopKafka({ log = console.log } = {}) {
  const s = settings();
  const pid = readPid(s.pidFile);
  if (!pid) return { stopped: false, reason: 'no broker.pid' };
  if (!isOurBroker(pid, s.dataDir)) {
    forgetPid(s.pidFile, pid);
    return { stopped: false, reason: `stale broker.pid (pid ${pid} is not a running broker of this data dir)` };
  }
  log(`Kafka: stopping broker pid ${pid}...`);
  await terminate(pid, log);
  forgetPid(s.pidFile, pid);
  return { stopped: true, pid };
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

async function statusCommand() {
  if (process.env.KAFKA_BROKERS) {
    await useExternalBrokers(process.env.KAFKA_BROKERS.trim(), () => {});
    console.log(`Kafka is up: KAFKA_BROKERS=${process.env.KAFKA_BROKERS} accepts connections`);
    return 0;
  }
  const s = settings();
  const pid = readPid(s.pidFile);
  const ours = isOurBroker(pid, s.dataDir);
  const found = await probePort(s.port);
  if (found === 'kafka') {
    console.log(`Kafka is up at ${HOST}:${s.port}${ours ? ` (pid ${pid})` : ' (not started by this script)'}`);
    return 0;
  }
  if (ours) console.log(`Kafka is down: broker pid ${pid} is running but not answering on ${HOST}:${s.port} (starting or stuck; see ${s.logFile})`);
  else if (found === 'other') console.log(`Kafka is down: ${HOST}:${s.port} is taken by something that is not Kafka`);
  else console.log(`Kafka is down: nothing answers on ${HOST}:${s.port}`);
  return 1;
}

async function stopCommand() {
  if (process.env.KAFKA_BROKERS) {
    console.log(`KAFKA_BROKERS is set: that cluster is not managed by this script, nothing stopped`);
    return 0;
  }
  const result = await stopKafka();
  if (result.stopped) {
    console.log(`Kafka stopped (pid ${result.pid})`);
    return 0;
  }
  const port = settings().port;
  if ((await probePort(port)) === 'kafka') {
    console.error(`A Kafka broker answers on ${HOST}:${port}, but it was not started by this script (${result.reason}); not stopping it`);
    return 1;
  }
  console.log(`Kafka was not running (${result.reason})`);
  return 0;
}

async function main(command) {
  switch (command) {
    case 'start': {
      const { brokers } = await ensureKafka({ detached: true, log: (msg) => console.error(msg) });
      console.log(`KAFKA_BROKERS=${brokers}`); // stdout carries only this, for `eval`/`>> $GITHUB_ENV`
      return 0;
    }
    case 'stop':
      return stopCommand();
    case 'status':
      return statusCommand();
    default:
      console.error('usage: node scripts/kafka.mjs start|stop|status');
      return 2;
  }
}

const invokedDirectly = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
