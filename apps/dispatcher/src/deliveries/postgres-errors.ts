import { isOutage as isOutageAnswer } from '@tripline/kafka';
import { DatabaseError } from 'pg';

/**
 * Whether a failed statement failed because the database is unavailable, not because of what
 * it was asked to write. An error that is not the server's answer never reached a working
 * database (a connection refused or reset, a pool timeout); the server's answers are judged by
 * the one classification every consumer uses (SQLSTATE classes 08, 40, 42, 53, 57, 58...).
 */
export function isOutage(error: unknown): boolean {
  return !(error instanceof DatabaseError) || isOutageAnswer(error);
}
