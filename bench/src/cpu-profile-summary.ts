import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
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
