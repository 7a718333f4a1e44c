// `npm start`: the whole stack on this machine. Installs what is missing, starts a Kafka broker
// unless KAFKA_BROKERS names one, creates and migrates the database, starts the five services,
// and waits until each is ready, then names the console's URL to open. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDotEnv, prepare, root } from './prepare.mjs';

const SERVICES = [
  ['gateway', 3000],
  ['ingestion', 3001],
  ['registry', 3002],
  ['evaluator', 3003],
  ['dispatcher', 3004],
];
const COLORS = [36, 35, 33, 32, 34];
const log = (msg) => console.log(`\x1b[1m[tripline]\x1b[0m ${msg}`);

/** A secret from the environment, or generated once and kept (mode 600) under .tripline/. */
function localSecret(variable, fileName, generate) {
  if (process.env[variable]) return { value: process.env[variable], file: null };
  const file = path.join(root, '.tripline', fileName);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${generate()}\n`, { mode: 0o600 });
  }
  return { value: readFileSync(file, 'utf8').trim(), file };
}

function startService(name, port, color, env) {
  const child = spawn(process.execPath, [path.join(root, `dist/apps/${name}/src/main.js`)], {
    cwd: root,
    env: { ...env, PORT: process.env[`${name.toUpperCase()}_PORT`] ?? String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${color}m${name.padEnd(10)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  return child;
}

async function waitReady(url, child, name) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (code ${child.exitCode}); see its output above`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready after 120 s`);
}

async function main() {
  loadDotEnv();
  await prepare(log);

  const { ensureKafka } = await import('./kafka.mjs');
  const kafka = await ensureKafka({ log });
  const { migrate, DEFAULT_DATABASE_URL } = await import('./migrate.mjs');
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await migrate(databaseUrl, log);

  const admin = localSecret('TRIPLINE_ADMIN_TOKEN', 'admin-token', () => randomBytes(24).toString('base64url'));
  const secretsKey = localSecret('TRIPLINE_SECRETS_KEY', 'secrets-key', () => randomBytes(32).toString('base64'));
  const env = {
    ...process.env,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? kafka.brokers,
    DATABASE_URL: databaseUrl,
    TRIPLINE_ADMIN_TOKEN: admin.value,
    TRIPLINE_SECRETS_KEY: secretsKey.value,
    // A local run calls back local receivers; production refuses loopback (SSRF protection).
    TRIPLINE_CALLBACK_ALLOWLIST: process.env.TRIPLINE_CALLBACK_ALLOWLIST ?? '127.0.0.0/8,::1/128',
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'text',
  };
  // The gateway's Operations page asks the others for their readiness where this starts them.
  env.TRIPLINE_SERVICE_URLS ??= SERVICES.map(([name, port]) => `${name}=http://127.0.0.1:${process.env[`${name.toUpperCase()}_PORT`] ?? port}`).join(',');
  const children = SERVICES.map(([name, port], i) => ({ name, port, child: startService(name, port, COLORS[i], env) }));

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping...');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => (clearTimeout(timer), resolve()));
            child.kill('SIGTERM');
          }),
      ),
    );
    await kafka.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const { name, child } of children) {
    child.once('exit', (code) => {
      if (stopping) return;
      log(`${name} exited with code ${code}; stopping the stack`);
      void stop(1);
    });
  }

  const portOf = (name, port) => process.env[`${name.toUpperCase()}_PORT`] ?? port;
  await Promise.all(children.map(({ name, port, child }) => waitReady(`http://127.0.0.1:${portOf(name, port)}`, child, name)));
  log('');
  log(`\x1b[1mconsole     http://localhost:${portOf('gateway', 3000)}/\x1b[0m   <- open this one (served by the gateway)`);
  log(`gateway     http://127.0.0.1:${portOf('gateway', 3000)}   (tenants, subscriptions)`);
  log(`ingestion   http://127.0.0.1:${portOf('ingestion', 3001)}   (POST /v1/events)`);
  log(`kafka       ${env.KAFKA_BROKERS}   (ingest topic ${'tripline.ingest.v1'})`);
  log(`postgres    ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
  log(admin.file ? `admin token in ${path.relative(root, admin.file)}  (export TRIPLINE_ADMIN_TOKEN=$(cat .tripline/admin-token); the console's operator sign-in takes it too)` : 'admin token: TRIPLINE_ADMIN_TOKEN from your environment');
  log(`callbacks allowed to ${env.TRIPLINE_CALLBACK_ALLOWLIST} besides public addresses (TRIPLINE_CALLBACK_ALLOWLIST)`);
  log('\x1b[32mTripline is ready.\x1b[0m Ctrl-C stops everything.');
}

main().catch((error) => {
  console.error(`\x1b[31m[tripline] ${error.message}\x1b[0m`);
  process.exit(1);
});
