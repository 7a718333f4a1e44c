import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Readiness } from '@tripline/service';
import { Agent, request } from 'undici';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { SERVICE_NAMES, type ServiceName } from './service-urls';

/** A probe that takes longer says "unreachable": an operator's page should not hang on a stuck service. */
export const PROBE_TIMEOUT_MS = 2_000;
/** The most of an answer a probe reads: a readiness report is a few hundred bytes. */
const MAX_ANSWER_BYTES = 16 * 1024;

export interface ServiceProbe {
  name: ServiceName;
  /** Where it was asked (`this instance` for the gateway answering). */
  url: string;
  /** up: ready; down: it answered, not ready; unreachable: no answer within the timeout. */
  status: 'up' | 'down' | 'unreachable';
  /** Its readiness checks, as it reported them. */
  checks: Record<string, boolean> | null;
  /** What went wrong, in a line: the failing checks, the status code, or the connection error. */
  detail: string | null;
  latencyMs: number;
  checkedAt: string;
}

/**
 * Each service's readiness, for the operators: the four others asked at their `/health/ready`
 * (TRIPLINE_SERVICE_URLS) over kept-alive connections, at once, each within PROBE_TIMEOUT_MS;
 * the gateway answers for itself (this instance's own checks, no request to itself).
 */
@Injectable()
export class ServiceReadiness implements OnApplicationShutdown {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 2, connect: { timeout: PROBE_TIMEOUT_MS } });

  constructor(
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
    private readonly own: Readiness,
  ) {}

  probeAll(): Promise<ServiceProbe[]> {
    return Promise.all(SERVICE_NAMES.map((name) => (name === 'gateway' ? this.probeSelf() : this.probe(name, this.env.TRIPLINE_SERVICE_URLS[name]))));
  }

  private async probeSelf(): Promise<ServiceProbe> {
    const started = performance.now();
    const report = await this.own.report();
    return this.answer('gateway', 'this instance', started, report.ready ? 'up' : 'down', report.checks, failing(report.checks));
  }

  private async probe(name: ServiceName, base: string): Promise<ServiceProbe> {
    const url = `${base}/health/ready`;
    const started = performance.now();
    try {
      const answer = await request(url, {
        dispatcher: this.agent,
        headersTimeout: PROBE_TIMEOUT_MS,
        bodyTimeout: PROBE_TIMEOUT_MS,
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const text = await readBounded(answer.body);
      const checks = checksOf(text);
      if (answer.statusCode === 200) return this.answer(name, url, started, 'up', checks, null);
      return this.answer(name, url, started, 'down', checks, failing(checks) ?? `answered HTTP ${answer.statusCode}`);
    } catch (error) {
      return this.answer(name, url, started, 'unreachable', null, describe(error));
    }
  }

  private answer(name: ServiceName, url: string, started: number, status: ServiceProbe['status'], checks: Record<string, boolean> | null, detail: string | null): ServiceProbe {
    return { name, url, status, checks, detail, latencyMs: Math.round(performance.now() - started), checkedAt: new Date().toISOString() };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

async function readBounded(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `checks` of a readiness report, if the answer is one. */
export function checksOf(text: string): Record<string, boolean> | null {
  try {
    const report: unknown = JSON.parse(text);
    const checks = (report as { checks?: unknown })?.checks;
    if (checks && typeof checks === 'object' && Object.values(checks).every((v) => typeof v === 'boolean')) return checks as Record<string, boolean>;
  } catch {
    // not a readiness report: the status code speaks
  }
  return null;
}

/** "not ready: kafkaConsumers, postgres", or null when every check passed. */
export function failing(checks: Record<string, boolean> | null): string | null {
  const failed = Object.entries(checks ?? {}).filter(([, ok]) => !ok).map(([name]) => name);
  return failed.length > 0 ? `not ready: ${failed.join(', ')}` : null;
}

function describe(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT' || e.code === 'UND_ERR_ABORTED') return `no answer within ${PROBE_TIMEOUT_MS} ms`;
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
