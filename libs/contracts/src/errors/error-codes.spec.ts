import { ERROR_CATALOGUE, ErrorBody, ErrorCode, errorStatus } from './error-codes';

describe('the error catalogue', () => {
  it('names each code once, so a client can branch on it', () => {
    const codes = ERROR_CATALOGUE.map((e) => e.code);
    const repeated = codes.filter((code, i) => codes.indexOf(code) !== i);
    expect(repeated).toEqual([]);
    expect(ErrorCode.options).toEqual(codes);
  });

  it('gives every code an error status and a one-line meaning, in lower snake case as the error filter keeps it', () => {
    for (const { code, status, meaning } of ERROR_CATALOGUE) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(status >= 400 && status <= 599).toBe(true);
      expect(meaning.trim()).not.toBe('');
      expect(meaning).not.toMatch(/\n/);
    }
  });

  it('keeps the status clients know each code by', () => {
    // Published: clients depend on these pairs, so changing one is a breaking change.
    expect(Object.fromEntries(ERROR_CATALOGUE.map((e) => [e.code, e.status]))).toEqual({
      bad_request: 400,
      validation_failed: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      subscription_limit_reached: 409,
      api_key_limit_reached: 409,
      last_api_key: 409,
      dead_letter_replayed: 409,
      dead_letter_not_replayable: 409,
      payload_too_large: 413,
      event_too_large: 413,
      rate_limited: 429,
      internal: 500,
      unavailable: 503,
    });
    expect(errorStatus('subscription_limit_reached')).toBe(409);
  });

  it('refuses an error body whose code is not in the catalogue', () => {
    expect(ErrorBody.safeParse({ error: 'not_found', message: 'no such subscription' }).success).toBe(true);
    expect(ErrorBody.safeParse({ error: 'notfound', message: 'no such subscription' }).success).toBe(false);
  });
});
