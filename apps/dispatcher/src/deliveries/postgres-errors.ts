import { DatabaseError } from 'pg';

/**
 * SQLSTATE classes that say the database, not the statement's data, is the problem: a lost or
 * refused connection (08), a transaction rolled back by a conflict (40), out of resources (53),
 * shut down or cancelled by an operator (57), a system error (58). Asking again later is the
 * cure; changing the rows is not.
 */
const OUTAGE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Whether a failed statement failed because the database is unavailable, not because of what
 * it was asked to write. An error that is not the server's answer never reached a working
 * database (a connection refused or reset, a pool timeout).
 */
export function isOutage(error: unknown): boolean {
  if (!(error instanceof DatabaseError) || typeof error.code !== 'string') return true;
  return OUTAGE_CLASSES.has(error.code.slice(0, 2));
}
