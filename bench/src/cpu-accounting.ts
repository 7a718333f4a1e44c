import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** CPU seconds each named group of processes has used so far. */
export type CpuSnapshot = Record<string, number>;

/**
 * CPU used by each part of the system under test, read from /proc/<pid>/stat (utime + stime),
 * as issue 17 asks: each service, the broker's JVM, and Postgres (every postgres process, plus
 * what the postmaster's exited children used, so a backend that ended inside the window still
 * counts). The load generator and the receiver (this process) are left out.
 */
export class CpuAccounting {
  constructor(private readonly services: () => Record<string, number | undefined>) {}

  snapshot(): CpuSnapshot {
    const snapshot: CpuSnapshot = {};
    for (const [name, pid] of Object.entries(this.services())) if (pid) snapshot[name] = seconds(pid, false);
    let broker = 0;
    let postgres = 0;
    for (const pid of allPids()) {
      const comm = read(`/proc/${pid}/comm`)?.trim();
      if (comm === 'postgres') postgres += seconds(pid, isPostmaster(pid));
      else if (comm === 'java' && read(`/proc/${pid}/cmdline`)?.includes('kafka.Kafka')) broker += seconds(pid, false);
    }
    snapshot.broker = broker;
    snapshot.postgres = postgres;
    return snapshot;
  }

  /** CPU microseconds per unit of work (a delivery) of each group between two snapshots, and their total. */
  static perUnit(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
    const per: Record<string, number> = {};
    let total = 0;
    for (const [name, used] of Object.entries(after)) {
      const micros = ((used - (before[name] ?? 0)) * 1e6) / units;
      per[name] = Math.round(micros);
      total += micros;
    }
    per.total = Math.round(total);
    return per;
  }
}

function allPids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
}

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // the process ended between the listing and the read
  }
}

/** The postmaster is the postgres process whose parent is not a postgres process. */
function isPostmaster(pid: number): boolean {
  const parent = fields(pid)?.[1];
  return parent !== undefined && read(`/proc/${parent}/comm`)?.trim() !== 'postgres';
}

/** The stat fields after the command name (which may hold spaces): [state, ppid, ...]. */
function fields(pid: number): string[] | null {
  const stat = read(`/proc/${pid}/stat`);
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : null;
}

/** utime + stime (fields 14 and 15), and with `children` the waited-for children's (16 and 17). */
function seconds(pid: number, children: boolean): number {
  const f = fields(pid);
  if (!f) return 0;
  // fields() starts at field 3 (state): field n is f[n - 3].
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / TICKS_PER_SECOND;
}
