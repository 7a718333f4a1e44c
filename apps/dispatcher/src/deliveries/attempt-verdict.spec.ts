import { judgeAttempt } from './attempt-verdict';

describe('judgeAttempt', () => {
  it.each([
    [200, false, 'delivered'],
    [204, false, 'delivered'],
    [404, false, 'gone'],
    [410, false, 'gone'],
    [408, false, 'retry'],
    [429, false, 'retry'],
    [500, false, 'retry'],
    [503, false, 'retry'],
    [null, false, 'retry'],
    [400, false, 'final'],
    [401, false, 'final'],
    [301, false, 'final'],
    [null, true, 'final'],
  ] as const)('status %s (refused: %s) is %s', (statusCode, refused, verdict) => {
    expect(judgeAttempt({ statusCode, refused })).toBe(verdict);
  });
});
