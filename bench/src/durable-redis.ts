import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from './stats';

/**
 * A Redis of the bench's own for B5, run as production would run a job queue's: an append-only
 * file fsynced every second (`appendonly yes`, `appendfsync everysec`), on a free port and a
 * throwaway directory. Null where no `redis-server` is installed (B5 is then left out, and
 * the bench says why).
 */
export class DurableRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static installed(): boolean {
    return spawnSync('redis-server', ['--version']).status === 0;
  }

  static async start(): Promise<DurableRedis> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'tripline-bench-redis-'));
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], {
      stdio: 'ignore',
    });
    const redis = new DurableRedis(child, port, dir);
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') return redis;
      await sleep(100);
    }
    await redis.stop();
    throw new Error(`redis-server on port ${port} did not answer within 10 s`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
