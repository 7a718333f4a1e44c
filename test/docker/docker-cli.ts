import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs the docker CLI and returns its stdout; a failure carries the CLI's own message. */
export async function docker(args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync('docker', args, { timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`docker ${args.slice(0, 3).join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** A container's log: what it wrote to stdout and stderr (docker logs keeps them apart). */
export async function containerLog(container: string, lines = 40): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync('docker', ['logs', '--tail', String(lines), container], { maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`.trim();
  } catch (error) {
    return `(no log: ${(error as Error).message})`;
  }
}

/** Whether the docker CLI succeeds; for questions (is the image here? does a daemon answer?). */
export async function dockerSucceeds(args: string[], timeoutMs = 15_000): Promise<boolean> {
  return docker(args, { timeoutMs }).then(
    () => true,
    () => false,
  );
}

/**
 * A long docker command (a build, an import) with its output streamed to `onLine`, so a failing
 * step shows in the log; rejects with the last lines of output.
 */
export function dockerStreaming(args: string[], onLine: (line: string) => void, stdin?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        onLine(line);
        tail.push(line);
        if (tail.length > 30) tail.shift();
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    if (stdin && child.stdin) stdin.pipe(child.stdin);
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker ${args.slice(0, 2).join(' ')} exited with ${code}:\n${tail.join('\n')}`)),
    );
  });
}
