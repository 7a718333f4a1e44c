import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { nodeSupported } from '../scripts/prepare.mjs';

const root = path.resolve(__dirname, '..');
const declared: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node;
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

describe('the Node.js range package.json declares', () => {
  it('is supported by every installed package, so npm ci warns of no engine on any Node.js in it', () => {
    const narrower = Object.entries(lock.packages)
      .filter(([where, pkg]) => where !== '' && !Array.isArray(pkg.engines) && pkg.engines?.node)
      .filter(([, pkg]) => !semver.subset(declared, (pkg.engines as { node: string }).node))
      .map(([where, pkg]) => `${where.replace(/^.*node_modules\//, '')} wants ${(pkg.engines as { node: string }).node}`);
    expect(narrower).toEqual([]);
  });

  it('is what npm start and npm test check before installing anything', () => {
    const versions = ['18.20.4', '20.18.1', '20.19.0', '20.20.2', '21.7.3', '22.12.0', '22.13.0', '23.11.0', '24.0.0', '24.11.1', '25.1.0'];
    expect(versions.map((v) => [v, nodeSupported(v)])).toEqual(versions.map((v) => [v, semver.satisfies(v, declared)]));
  });
});
