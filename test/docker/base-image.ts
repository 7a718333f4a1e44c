import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, dockerStreaming, dockerSucceeds } from './docker-cli';

/** The base image the Dockerfile names (its NODE_IMAGE argument's default). */
export const OFFICIAL_BASE = 'node:20-bookworm-slim';
/** Where a stand-in goes: never under the official name, so no later build mistakes it for the real one. */
const STAND_IN_REPO = 'tripline-test/node-stand-in';
const NPM_VERSION = '10.8.2'; // what Node.js 20.20.2 ships, as in the official image
const YARN_VERSION = '1.22.22';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

export interface BaseImage {
  image: string;
  standIn: boolean;
  /** One line for the run's log: which base, and why. */
  reason: string;
}

/**
 * The official base where this machine has it or a registry gives it; otherwise a stand-in built
 * here in the official image's layout (see buildStandIn), under a name of its own.
 */
export async function baseImage(log: (msg: string) => void): Promise<BaseImage> {
  if (await dockerSucceeds(['image', 'inspect', OFFICIAL_BASE])) {
    return { image: OFFICIAL_BASE, standIn: false, reason: `${OFFICIAL_BASE} is present` };
  }
  log(`pulling ${OFFICIAL_BASE}...`);
  if (await dockerSucceeds(['pull', OFFICIAL_BASE], 300_000)) {
    return { image: OFFICIAL_BASE, standIn: false, reason: `${OFFICIAL_BASE} was pulled` };
  }
  const standIn = `${STAND_IN_REPO}:${process.versions.node}-bookworm-slim`;
  const reason = `no registry gives ${OFFICIAL_BASE}, so a stand-in built here from Debian bookworm and this machine's Node.js ${process.versions.node}`;
  if (await dockerSucceeds(['image', 'inspect', standIn])) return { image: standIn, standIn: true, reason: `${reason} (${standIn}, built earlier)` };
  await buildStandIn(standIn, log);
  return { image: standIn, standIn: true, reason: `${reason} (${standIn})` };
}

/**
 * What `node:20-bookworm-slim` is, rebuilt from parts this machine has: Debian bookworm
 * (debootstrap's minbase, trimmed as debian:bookworm-slim is: no docs, man pages, locales or apt
 * lists), the machine's own Node.js 20 binary and headers under /usr/local, npm and Yarn at the
 * versions the official image carries, its `node` user (uid 1000), entrypoint and environment.
 * The machine's CA bundle goes in too, for npm inside the build: here the registry is reached
 * through a TLS-intercepting proxy. The real image needs none of that.
 */
async function buildStandIn(tag: string, log: (msg: string) => void): Promise<void> {
  if (!process.versions.node.startsWith('20.')) throw new Error(`the stand-in for ${OFFICIAL_BASE} needs Node.js 20 on this machine, not ${process.versions.node}`);
  for (const tool of ['debootstrap', 'chroot', 'tar']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`building a stand-in for ${OFFICIAL_BASE} needs ${tool} (Debian: apt-get install debootstrap)`);
    }
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'tripline-base-'));
  const rootfs = path.join(work, 'rootfs');
  try {
    log(`building ${tag}: debootstrap --variant=minbase bookworm (about a minute)...`);
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', rootfs, DEBIAN_MIRROR], { stdio: ['ignore', 'ignore', 'pipe'] });
    for (const dir of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/lib/apt/lists', 'var/cache/apt', 'var/log']) {
      emptyDir(path.join(rootfs, dir));
    }
    execFileSync('chroot', [rootfs, 'sh', '-c', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node']);

    const local = path.join(rootfs, 'usr/local');
    copyFileSync(process.execPath, path.join(local, 'bin/node'));
    chmodSync(path.join(local, 'bin/node'), 0o755);
    symlinkSync('node', path.join(local, 'bin/nodejs'));
    const headers = path.join(path.dirname(process.execPath), '../include/node');
    if (existsSync(headers)) {
      cpSync(headers, path.join(local, 'include/node'), { recursive: true });
      // As the official image does: only this architecture's OpenSSL headers.
      const archs = path.join(local, 'include/node/openssl/archs');
      if (existsSync(archs)) for (const arch of readdirSync(archs)) if (arch !== 'linux-x86_64') rmSync(path.join(archs, arch), { recursive: true });
    }
    const globalModules = path.join(local, 'lib/node_modules');
    mkdirSync(globalModules, { recursive: true });
    await unpackNpmPackage(`npm@${NPM_VERSION}`, path.join(globalModules, 'npm'), work);
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(local, 'bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(local, 'bin/npx'));
    const corepack = path.join(path.dirname(process.execPath), '../lib/node_modules/corepack');
    if (existsSync(corepack)) {
      cpSync(corepack, path.join(globalModules, 'corepack'), { recursive: true });
      symlinkSync('../lib/node_modules/corepack/dist/corepack.js', path.join(local, 'bin/corepack'));
    }
    await unpackNpmPackage(`yarn@${YARN_VERSION}`, path.join(rootfs, `opt/yarn-v${YARN_VERSION}`), work);
    symlinkSync(`/opt/yarn-v${YARN_VERSION}/bin/yarn`, path.join(local, 'bin/yarn'));
    symlinkSync(`/opt/yarn-v${YARN_VERSION}/bin/yarnpkg`, path.join(local, 'bin/yarnpkg'));
    copyFileSync(path.join(__dirname, 'docker-entrypoint.sh'), path.join(local, 'bin/docker-entrypoint.sh'));
    chmodSync(path.join(local, 'bin/docker-entrypoint.sh'), 0o755);

    const caBundle = process.env.NODE_EXTRA_CA_CERTS ?? process.env.SSL_CERT_FILE;
    if (caBundle && existsSync(caBundle)) {
      mkdirSync(path.join(local, 'share'), { recursive: true });
      mkdirSync(path.join(local, 'etc'), { recursive: true });
      copyFileSync(caBundle, path.join(local, 'share/build-ca-bundle.crt'));
      writeFileSync(path.join(local, 'etc/npmrc'), 'cafile=/usr/local/share/build-ca-bundle.crt\n');
    }

    log(`importing ${tag}...`);
    const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const changes = [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      `ENV NODE_VERSION=${process.versions.node}`,
      `ENV YARN_VERSION=${YARN_VERSION}`,
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      'CMD ["node"]',
    ].flatMap((change) => ['--change', change]);
    await dockerStreaming(['import', ...changes, '-', tag], () => undefined, tar.stdout);
    log(`${tag}: ${Math.round(Number(await docker(['image', 'inspect', '--format', '{{.Size}}', tag])) / 1e6)} MB`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function emptyDir(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true, force: true });
}

/** A package from the npm registry, unpacked into `target` (npm pack, then tar). */
async function unpackNpmPackage(spec: string, target: string, work: string): Promise<void> {
  const file = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], { encoding: 'utf8' }).trim().split('\n').pop()!;
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, file), '-C', target, '--strip-components=1', '--no-same-owner']);
}
