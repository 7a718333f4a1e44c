import { ApiError, apiError, asApiError, unreachable } from './api-error';

describe("the console's API errors", () => {
  it("keep the API's code, message and every bad field", () => {
    const error = apiError(400, {
      error: 'validation_failed',
      message: 'since: Invalid ISO datetime',
      issues: [{ path: 'since', message: 'Invalid ISO datetime' }, { nonsense: true }],
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: 'since: Invalid ISO datetime', issues: [{ path: 'since', message: 'Invalid ISO datetime' }] });
  });

  it("sum up an answer that is not the API's, without rendering a proxy's HTML", () => {
    expect(apiError(502, '<html><body>Bad gateway</body></html>').message).toBe('the gateway answered HTTP 502');
    expect(apiError(502, 'upstream   timed\nout').message).toBe('the gateway answered HTTP 502: upstream timed out');
    expect(apiError(500, undefined)).toMatchObject({ code: 'http_500', message: 'the gateway answered HTTP 500' });
  });

  it('say when no answer came at all, and wrap anything else thrown', () => {
    expect(unreachable(new TypeError('Failed to fetch'))).toMatchObject({ status: 0, code: 'unreachable', message: expect.stringContaining('Failed to fetch') });
    const known = apiError(404, { error: 'not_found', message: 'no such subscription' });
    expect(asApiError(known)).toBe(known);
    expect(asApiError(new Error('boom'))).toMatchObject({ code: 'console', message: 'boom' });
  });
});
