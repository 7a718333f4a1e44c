import { z } from 'zod';
import { baseEnvShape, loadEnv } from './env';
import { retentionDays, retentionJobShape } from './retention';

const schema = z.object({ ...baseEnvShape, RETENTION_DELIVERED_DAYS: retentionDays(7), ...retentionJobShape });

describe('retention variables', () => {
  it('default to the documented windows and job settings', () => {
    const env = loadEnv('dispatcher', schema, {});
    expect(env).toMatchObject({
      RETENTION_DELIVERED_DAYS: 7,
      RETENTION_DEAD_LETTERS_DAYS: 14,
      RETENTION_INTERVAL_MS: 600_000,
      RETENTION_BATCH_SIZE: 1_000,
      RETENTION_BATCH_PAUSE_MS: 100,
    });
  });

  it.each([
    ['0', 'must be at least 1 day'],
    ['1.5', 'must be a whole number of days'],
    ['seven', 'must be a whole number of days'],
    ['4000', 'must be at most 3650 days'],
  ])('refuses RETENTION_DELIVERED_DAYS=%s at boot, saying why', (value, why) => {
    expect(() => loadEnv('dispatcher', schema, { RETENTION_DELIVERED_DAYS: value })).toThrow(`RETENTION_DELIVERED_DAYS: ${why}`);
  });

  it('refuses a batch too large to be a short statement, and a dead-letter window of no days', () => {
    expect(() => loadEnv('dispatcher', schema, { RETENTION_BATCH_SIZE: '1000000' })).toThrow('RETENTION_BATCH_SIZE: must be at most 100000 rows');
    expect(() => loadEnv('dispatcher', schema, { RETENTION_DEAD_LETTERS_DAYS: '0' })).toThrow('RETENTION_DEAD_LETTERS_DAYS: must be at least 1 day');
  });
});
