import { clearedSessionCookie, sessionCookie, sessionCookieValue } from './session-cookie';

describe('the console session cookie', () => {
  it('is read from a Cookie header among others, trimmed, the first of its name winning', () => {
    expect(sessionCookieValue('theme=dark; tripline_session=abc_-9 ; other=1')).toBe('abc_-9');
    expect(sessionCookieValue('tripline_session=first; tripline_session=second')).toBe('first');
    expect(sessionCookieValue(' tripline_session =x')).toBe('x');
  });

  it('is absent from a header without it, or without a header; an empty value reads as empty', () => {
    for (const header of [undefined, '', 'tripline_sessionx=1', 'xtripline_session=1', 'tripline_session', ';;;']) {
      expect(sessionCookieValue(header)).toBeUndefined();
    }
    expect(sessionCookieValue('tripline_session=')).toBe('');
  });

  it('is set HttpOnly, SameSite=Strict, for the whole gateway, Secure only over HTTPS', () => {
    expect(sessionCookie('tok_en-1', false)).toBe('tripline_session=tok_en-1; Path=/; HttpOnly; SameSite=Strict');
    expect(sessionCookie('tok_en-1', true)).toBe('tripline_session=tok_en-1; Path=/; HttpOnly; SameSite=Strict; Secure');
    expect(() => sessionCookie('a;b', false)).toThrow();
  });

  it('is cleared with Max-Age=0 and the same attributes', () => {
    expect(clearedSessionCookie(true)).toBe('tripline_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure');
  });
});
