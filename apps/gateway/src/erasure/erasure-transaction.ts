import type { PoolClient } from 'pg';

/** One DELETE of an erasure: what it removes, and the statement ($1, $2: its parameters). */
export interface ErasureStep<K extends string> {
  kind: K;
  statement: string;
}

/**
 * Runs an erasure's DELETEs in one transaction, in order, and counts the rows each removed.
 * `beforeCommit` runs last inside it (publishing what must be published for the erasure to be
 * whole): if it fails, nothing is erased and the caller may try again.
 */
export async function eraseInOneTransaction<K extends string>(
  client: PoolClient,
  steps: ReadonlyArray<ErasureStep<K>>,
  params: unknown[],
  beforeCommit: (removed: Record<K, number>, returned: Partial<Record<K, Array<Record<string, unknown>>>>) => Promise<void> = async () => undefined,
): Promise<Record<K, number>> {
  const removed = {} as Record<K, number>;
  const returned: Partial<Record<K, Array<Record<string, unknown>>>> = {};
  try {
    await client.query('BEGIN');
    // An erasure waits its turn behind the delivery path's short statements, never for long.
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    for (const step of steps) {
      const result = await client.query(step.statement, params);
      removed[step.kind] = result.rowCount ?? 0;
      if (result.rows.length > 0) returned[step.kind] = result.rows;
    }
    await beforeCommit(removed, returned);
    await client.query('COMMIT');
    return removed;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
