import { DatabaseError } from 'pg';
import { isOutage } from './postgres-errors';

/** An error as node-postgres reports the server's answer. */
const answer = (code: string, message: string) => Object.assign(new DatabaseError(message, message.length, 'error'), { code });

describe('isOutage', () => {
  it.each([
    ['a connection refused (no SQLSTATE)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
    ['a pool timeout', new Error('timeout exceeded when trying to connect'), true],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), true],
    ['the server shutting down (57P01)', answer('57P01', 'terminating connection due to administrator command'), true],
    ['a deadlock (40P01)', answer('40P01', 'deadlock detected'), true],
    ['a table the deploy lacks (42P01)', answer('42P01', 'relation "deliveries" does not exist'), true],
    ['NUL in text (22021)', answer('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), false],
    ['an integer out of range (22003)', answer('22003', 'integer out of range'), false],
    ['a foreign key violation (23503)', answer('23503', 'violates foreign key constraint'), false],
  ])('%s: %s', (_, error, outage) => {
    expect(isOutage(error)).toBe(outage);
  });
});
