import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { dockerSucceeds } from './docker-cli';

/** The Docker engine the image test uses: one already running, or one it started and must stop. */
export interface DockerEngine {
  startedHere: boolean;
  /** Stops the daemon if this run started it; leaves a daemon it found alone. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Uses the running Docker daemon if one answers. Otherwise starts `dockerd` (root only) without
 * a bridge network or iptables rules: every build and container of the test uses the host's
 * network, so the daemon needs neither, and it changes nothing on the machine it runs on.
 */
export async function dockerEngine(logDir: string, log: (msg: string) => void): Promise<DockerEngine> {
  if (await dockerSucceeds(['version', '--format', '{{.Server.Version}}'])) {
    log('Docker: using the daemon that is running');
    return { startedHere: false, stop: async () => undefined };
  }
  if (spawnSync('sh', ['-c', 'command -v dockerd'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('no Docker daemon answers and dockerd is not installed (Debian: apt-get install docker.io; or start Docker Desktop)');
  }
  if (process.getuid?.() !== 0) {
    throw new Error('no Docker daemon answers; start one (the test starts dockerd itself only when run as root)');
  }
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'dockerd.log');
  const out = openSync(logFile, 'a');
  const daemon = spawn('dockerd', ['--bridge=none', '--iptables=false', '--ip6tables=false'], { stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', resolve));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await dockerSucceeds(['version', '--format', '{{.Server.Version}}'], 5_000))) {
    if (daemon.exitCode !== null) throw new Error(`dockerd exited with ${daemon.exitCode} while starting; see ${logFile}`);
    if (Date.now() > deadline) {
      daemon.kill('SIGKILL');
      throw new Error(`dockerd did not answer within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`Docker: started dockerd (pid ${daemon.pid}, no bridge network); it stops when the test ends`);
  return {
    startedHere: true,
    stop: async () => {
      if (daemon.exitCode !== null) return;
      // dockerd stops its containers and its containerd on SIGTERM; give it the time it takes.
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 30_000);
      daemon.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
