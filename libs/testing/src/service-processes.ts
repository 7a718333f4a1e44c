import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { waitUntilReady } from './in-process-service';
import { serviceLogTail } from './service-logs';
import { REPO_ROOT, serviceEnv } from './test-infra';

export const SERVICES = ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceProcess {
  name: ServiceName;
  baseUrl: string;
  child: ChildProcess;
}

/**
 * Runs the built services (dist/) as separate processes, as production does, each with its
 * own port and log file under .tripline/test-logs/.
 */
export class ServiceProcesses {
  readonly running = new Map<ServiceName, ServiceProcess>();

  constructor(
    private readonly namespace: string,
    private readonly ports: Record<ServiceName, number>,
    private readonly extraEnv: Record<string, string> = {},
    /** Flags for node itself, before the script: the profiler's (--cpu-prof) are not allowed in NODE_OPTIONS. */
    private readonly nodeArgs: string[] = [],
  ) {}

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  /** Free loopback ports for the five services. */
  static async freePorts(): Promise<Record<ServiceName, number>> {
    const ports = await Promise.all(SERVICES.map(() => freePort()));
    return Object.fromEntries(SERVICES.map((name, i) => [name, ports[i]])) as Record<ServiceName, number>;
  }

  async startAll(): Promise<void> {
    await Promise.all(SERVICES.map((name) => this.start(name)));
  }

  async start(name: ServiceName): Promise<ServiceProcess> {
    const logDir = path.join(REPO_ROOT, '.tripline/test-logs');
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...this.nodeArgs, path.join(REPO_ROOT, `dist/apps/${name}/src/main.js`)], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...serviceEnv(this.namespace),
        PORT: String(this.ports[name]),
        // The gateway's readiness page asks the others where this stack runs them.
        TRIPLINE_SERVICE_URLS: SERVICES.map((other) => `${other}=${this.url(other)}`).join(','),
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<never>((_, reject) =>
      // The reason is in the service's own log; a CI report shows only this message, so carry it here.
      // 'close' comes after the process's output is all read; the log file gets it a moment later.
      child.once('close', (code) =>
        setTimeout(() => reject(new Error(`${name} exited with code ${code} during start:\n${serviceLogTail(name, 5, /failed to start/)}\n${serviceLogTail(name, 15)}`)), 100),
      ),
    );
    const service = { name, baseUrl: this.url(name), child };
    this.running.set(name, service);
    await Promise.race([waitUntilReady(service.baseUrl), exited]);
    return service;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => this.stop(s.name)));
  }

  async stop(name: ServiceName): Promise<void> {
    const service = this.running.get(name);
    if (!service) return;
    this.running.delete(name);
    if (service.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
      service.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      service.child.kill('SIGTERM');
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
