import { trustProxy } from './trust-proxy';

describe('TRIPLINE_TRUST_PROXY', () => {
  const parse = (value?: string) => trustProxy.safeParse(value);

  it('is off unless set', () => {
    expect(parse(undefined)).toEqual({ success: true, data: false });
    expect(parse('false')).toEqual({ success: true, data: false });
    expect(parse('')).toEqual({ success: true, data: false });
  });

  it('takes true, a hop count, or the proxies\' addresses and ranges', () => {
    expect(parse('true').data).toBe(true);
    expect(parse('2').data).toBe(2);
    expect(parse('loopback, 10.0.0.0/8,192.168.1.7, fd00::/8, ::1').data).toEqual(['loopback', '10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  });

  it('refuses anything else, saying what it takes', () => {
    for (const wrong of ['yes', '10.0.0.0/33', '10.0.0', '10.0.0.1/8/2', 'loopback,', 'fd00::/129', '1000', 'proxy.example.com']) {
      const result = parse(wrong);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/^must be false, true, a hop count/);
    }
  });
});
