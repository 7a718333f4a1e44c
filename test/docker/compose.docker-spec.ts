import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parse } from 'yaml';
import { readmeComposeVariables } from './readme-compose';

const root = path.resolve(__dirname, '../..');
const SERVICES = ['dispatcher', 'evaluator', 'gateway', 'ingestion', 'kafka', 'migrate', 'postgres', 'registry'];
const OBSERVABILITY = ['grafana', 'prometheus'];

/** Compose v2 (the docker CLI plugin) and v1 (`docker-compose`, what Debian ships): the file must suit both. */
const COMPOSES = [
  { name: 'Compose v2 (docker compose)', command: 'docker', prefix: ['compose'] },
  { name: 'Compose v1 (docker-compose)', command: 'docker-compose', prefix: [] },
].filter((c) => spawnSync(c.command, [...c.prefix, 'version'], { stdio: 'ignore' }).status === 0);

/** Runs compose in the repo with only these variables set (none leaks in from the test's own environment). */
function compose(c: (typeof COMPOSES)[number], args: string[], vars: Record<string, string>) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...vars };
  return spawnSync(c.command, [...c.prefix, ...args], { cwd: root, env, encoding: 'utf8' });
}

describe('docker-compose.yml, read by Compose itself', () => {
  it('is checked by at least one Compose on this machine', () => {
    // Without one, this file would pass by checking nothing (Debian: apt-get install docker-compose).
    expect(COMPOSES.map((c) => c.name)).not.toEqual([]);
  });

  describe.each(COMPOSES)('$name', (c) => {
    it("accepts the file with the README's variables, and lists every service", () => {
      const vars = readmeComposeVariables();
      const checked = compose(c, ['config', '--quiet'], vars);
      expect({ status: checked.status, stderr: checked.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/error/i) });
      const services = compose(c, ['config', '--services'], vars);
      // Compose v1's `config` lists the services of every profile (its `up` honours them: below).
      expect(services.stdout.trim().split('\n').filter((s) => !OBSERVABILITY.includes(s)).sort()).toEqual(SERVICES);
    });

    it('starts Prometheus and Grafana only with the observability profile', () => {
      const resolved = parse(compose(c, ['--profile', 'observability', 'config'], readmeComposeVariables()).stdout) as { services: Record<string, { profiles?: string[] }> };
      for (const name of OBSERVABILITY) expect({ name, profiles: resolved.services[name]?.profiles }).toEqual({ name, profiles: ['observability'] });
      for (const name of SERVICES) expect({ name, profiles: resolved.services[name]?.profiles }).toEqual({ name, profiles: undefined });
    });

    it('adds Prometheus and Grafana with the observability profile', () => {
      const services = compose(c, ['--profile', 'observability', 'config', '--services'], readmeComposeVariables());
      expect({ status: services.status, stderr: services.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/error/i) });
      expect(services.stdout.trim().split('\n').sort()).toEqual([...SERVICES, 'grafana', 'prometheus'].sort());
    });

    it('refuses to start without the secrets key, and says which variable to set', () => {
      const { TRIPLINE_SECRETS_KEY: _left, ...vars } = readmeComposeVariables();
      const checked = compose(c, ['config', '--quiet'], vars);
      expect(checked.status).not.toBe(0);
      expect(checked.stderr).toContain('TRIPLINE_SECRETS_KEY');
    });
  });
});
