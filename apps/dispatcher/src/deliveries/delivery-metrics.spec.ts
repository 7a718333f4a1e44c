import { attemptOutcome } from './delivery-metrics';

describe('attemptOutcome', () => {
  it('classes an attempt by the status class it answered, or why nothing was answered', () => {
    expect(attemptOutcome({ statusCode: 204, refused: false })).toBe('2xx');
    expect(attemptOutcome({ statusCode: 302, refused: false })).toBe('3xx');
    expect(attemptOutcome({ statusCode: 410, refused: false })).toBe('4xx');
    expect(attemptOutcome({ statusCode: 503, refused: false })).toBe('5xx');
    expect(attemptOutcome({ statusCode: null, refused: false })).toBe('no_response');
    expect(attemptOutcome({ statusCode: null, refused: true })).toBe('refused');
    // Whatever odd status a receiver sends, the label stays one of the seven.
    expect(attemptOutcome({ statusCode: 999, refused: false })).toBe('other_status');
  });
});
