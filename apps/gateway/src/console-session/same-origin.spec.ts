import { isOwnOrigin, originOf } from './same-origin';

describe('same origin', () => {
  const own = ['https://tripline.contoso.example', 'http://127.0.0.1:3000'];

  it('accepts a request without Origin (not sent by a browser for it), or with one of its own', () => {
    expect(isOwnOrigin(undefined, own)).toBe(true);
    expect(isOwnOrigin('https://tripline.contoso.example', own)).toBe(true);
    expect(isOwnOrigin('HTTPS://Tripline.Contoso.Example:443', own)).toBe(true);
    expect(isOwnOrigin('http://127.0.0.1:3000', own)).toBe(true);
  });

  it("refuses another site's, another port or scheme, `null`, and junk", () => {
    for (const origin of ['https://evil.example', 'https://tripline.contoso.example:8443', 'http://tripline.contoso.example', 'null', '', 'not a url', 'https://tripline.contoso.example.evil.example']) {
      expect(isOwnOrigin(origin, own)).toBe(false);
    }
  });

  it('takes the origin of a URL, base path and all', () => {
    expect(originOf('https://tripline.contoso.example/api')).toBe('https://tripline.contoso.example');
    expect(originOf('nonsense')).toBeNull();
  });
});
