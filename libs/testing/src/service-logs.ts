import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './test-infra';

/**
 * The end of a service's log (.tripline/test-logs/<service>.log), for failure messages, without
 * colour codes; with `matching`, only the last lines that match it (e.g. the consumer crashes).
 */
export function serviceLogTail(name: string, lines = 40, matching?: RegExp): string {
  const file = path.join(REPO_ROOT, '.tripline/test-logs', `${name}.log`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return `(no log at ${file})`;
  }
  const all = text.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
  const picked = (matching ? all.filter((line) => matching.test(line)) : all).slice(-lines).map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line));
  return `--- ${matching ? `last lines matching ${matching} in` : 'last lines of'} ${path.relative(REPO_ROOT, file)} ---\n${picked.join('\n')}`;
}
