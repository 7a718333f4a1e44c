import { z } from 'zod';
import { baseEnvShape, InvalidEnvironmentError, loadEnv, port } from './env';

const schema = z.object({ ...baseEnvShape, PORT: port(3000), SECRET: z.string().min(16) });

describe('loadEnv', () => {
  it('applies defaults and parses lists', () => {
    const env = loadEnv('svc', schema, { SECRET: 'x'.repeat(16), KAFKA_BROKERS: 'a:1, b:2,' });
    expect(env.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toMatch(/^postgresql:\/\//);
  });

  it('fails with every bad variable named', () => {
    let error: unknown;
    try {
      loadEnv('gateway', schema, { PORT: 'abc', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toContain('gateway: invalid environment');
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('SECRET');
  });
});
