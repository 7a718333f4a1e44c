import { transformSync } from '@swc/core';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AttemptDeadlines } from './attempt-deadlines';

describe('AttemptDeadlines', () => {
  it('gives the attempts that start within the granularity one signal, and a later attempt a new one', () => {
    let now = 1_000;
    const deadlines = new AttemptDeadlines(30_000, 25, () => now);
    const first = deadlines.signal();
    now += 24;
    expect(deadlines.signal()).toBe(first);
    now += 1;
    const second = deadlines.signal();
    expect(second).not.toBe(first);
    expect(first.aborted).toBe(false);
  });

  it('aborts an attempt that outlives its timeout with a TimeoutError, as AbortSignal.timeout does', async () => {
    const signal = new AttemptDeadlines(5, 1).signal();
    await once(signal, 'abort');
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });

  it('lets hundreds of attempts listen to one signal without a "possible EventTarget memory leak" warning', () => {
    // In a process of its own: Jest's sandbox keeps Node's warnings about EventTargets from its tests.
    const { code } = transformSync(readFileSync(path.join(__dirname, 'attempt-deadlines.ts'), 'utf8'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    const listen = `const signal = new exports.AttemptDeadlines(30000).signal(); for (let i = 0; i < 400; i++) signal.addEventListener('abort', () => {});`;
    const run = spawnSync(process.execPath, ['-e', `${code}\n${listen}`], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
  });
});
