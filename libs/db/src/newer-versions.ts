import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

/** One column of the rows to write: its Postgres type and one value per row. */
export interface VersionedColumn {
  type: string;
  values: readonly unknown[];
}

export interface NewerVersions {
  table: string;
  /** The row's identity: the conflict target. */
  key: string;
  /** Every column written, `version` (an int) among them; the key's values identify the rows. */
  columns: Record<string, VersionedColumn>;
  /** What a newer version overwrites of a stored row (its version always). */
  overwrite: readonly string[];
  /** Further assignments, as SQL, that may read the stored row (`<table>.<column>`) and EXCLUDED. */
  also?: readonly string[];
}

/**
 * Writes rows that carry a version, one statement for the batch: a new row is inserted, a
 * stored one is replaced only by a newer version. Projections of the compacted subscriptions
 * topic are written this way, so a redelivered or late change never rolls a row back.
 *
 * Table and column names are the caller's constants, never input; the values are parameters.
 */
export async function writeNewerVersions(pool: Pool, rows: NewerVersions): Promise<void> {
  const names = Object.keys(rows.columns);
  if (!names.includes('version') || !names.includes(rows.key)) throw new Error(`${rows.table}: the columns must include ${rows.key} and version`);
  const specs = Object.values(rows.columns);
  const sets = [...rows.overwrite.filter((c) => c !== 'version'), 'version'].map((c) => `${c} = EXCLUDED.${c}`);
  const text = `INSERT INTO ${rows.table} (${names.join(', ')})
     SELECT * FROM unnest(${specs.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})
     ON CONFLICT (${rows.key}) DO UPDATE SET ${[...sets, ...(rows.also ?? [])].join(', ')}
     WHERE ${rows.table}.version < EXCLUDED.version`;
  await pool.query({ name: statementName(text), text, values: specs.map((c) => c.values) });
}

/** Each caller's text is a constant, so the names are as few as the callers. */
const names = new Map<string, string>();

/**
 * Prepared once per connection (a projection writes a batch per fetch of its topic); the name
 * follows the text, as node-postgres refuses one name for two texts.
 */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `newerVersions.${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}
