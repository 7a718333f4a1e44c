import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { readmeComposeVariables } from './readme-compose';
import { DispatcherEnv } from '../../apps/dispatcher/src/dispatcher.env';
import { EvaluatorEnv } from '../../apps/evaluator/src/evaluator.env';
import { GatewayEnv } from '../../apps/gateway/src/gateway.env';
import { IngestionEnv } from '../../apps/ingestion/src/ingestion.env';
import { RegistryEnv } from '../../apps/registry/src/registry.env';

const root = path.resolve(__dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string | number> }>;
};
const SCHEMAS: Record<string, z.ZodType> = {
  gateway: GatewayEnv,
  ingestion: IngestionEnv,
  registry: RegistryEnv,
  evaluator: EvaluatorEnv,
  dispatcher: DispatcherEnv,
};

/** Compose's interpolation of `${NAME}`, `${NAME:-default}` and `${NAME:?error}` from the host's variables. */
function interpolate(value: string | number, host: Record<string, string>, missing: Set<string>): string {
  return String(value).replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (host[name]) return host[name];
    if (kind === '?') missing.add(name);
    return kind === '-' ? (rest ?? '') : '';
  });
}

describe('docker-compose.yml, as the README runs it', () => {
  it('needs no variable the README command leaves out', () => {
    const host = readmeComposeVariables();
    const missing = new Set<string>();
    for (const service of Object.values(compose.services)) {
      for (const value of Object.values(service.environment ?? {})) interpolate(value, host, missing);
    }
    expect([...missing]).toEqual([]);
  });

  it("gives every service an environment its own validation accepts", () => {
    const host = readmeComposeVariables();
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const environment = compose.services[name]?.environment;
      expect(environment).toBeDefined();
      const env = Object.fromEntries(Object.entries(environment!).map(([k, v]) => [k, interpolate(v, host, new Set())]));
      const parsed = schema.safeParse(env);
      expect({ service: name, issues: parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }).toEqual({ service: name, issues: [] });
    }
  });
});
