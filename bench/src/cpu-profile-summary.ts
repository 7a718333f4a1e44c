import { readFileSync } from 'node:fs';
import { partOf, type Frame, type Part } from './cpu-profile-parts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  percent: number;
}

/**
 * A V8 `.cpuprofile` (node --cpu-prof) summed up: self time by function and by where the code
 * lives (a package of node_modules, one of our files, node's own internals, the garbage
 * collector), as shares of the samples. What `docs/benchmarks.md` quotes when it says what a
 * delivery's CPU is spent on.
 */
export function summarizeProfile(file: string, top = 25): { byFunction: ProfileShare[]; byPlace: ProfileShare[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodes.get(profile.samples[i])!;
    const weight = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const place = placeOf(url, functionName);
    add(byFunction, `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`, weight);
    add(byPlace, place, weight);
  }
  const total = profile.timeDeltas.reduce((sum, d) => sum + d, 0);
  const shares = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, percent: Math.round((t / total) * 1000) / 10 }));
  return { byFunction: shares(byFunction), byPlace: shares(byPlace) };
}

function add(m: Map<string, number>, key: string, weight: number): void {
  m.set(key, (m.get(key) ?? 0) + weight);
}

function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  const ours = /\/dist\/((?:apps|libs)\/[^/]+)\//.exec(url);
  return ours ? ours[1] : shortUrl(url);
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '');
}

/** A span of the monotonic clock, in µs (`process.hrtime.bigint() / 1000n`: V8's profiles use the same clock). */
export type Window = readonly [fromMicros: number, toMicros: number];

/**
 * A profile's busy time within `windows` (the drains), by part (cpu-profile-parts.ts), in µs per
 * unit of work done in them (a delivery). Idle samples are left out; profiled, every figure is
 * higher than unprofiled, so compare parts' shares, or scale them to `npm run bench`'s
 * accounting.
 */
export function partsPerUnit(file: string, windows: readonly Window[], units: number): { busyMicros: number; parts: Partial<Record<Part, number>> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const partByNode = new Map<number, Part | null>();
  const part = (id: number): Part | null => {
    let known = partByNode.get(id);
    if (known === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) stack.push(nodes.get(at)!.callFrame);
      known = stack[0].functionName === '(idle)' ? null : partOf(stack);
      partByNode.set(id, known);
    }
    return known;
  };
  const micros = new Map<Part, number>();
  let busy = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (!windows.some(([from, to]) => at >= from && at <= to)) continue;
    const p = part(profile.samples[i]);
    if (p === null) continue;
    micros.set(p, (micros.get(p) ?? 0) + delta);
    busy += delta;
  }
  const parts = Object.fromEntries([...micros.entries()].sort((a, b) => b[1] - a[1]).map(([p, t]) => [p, Math.round(t / units)]));
  return { busyMicros: Math.round(busy / units), parts };
}
