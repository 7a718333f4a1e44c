import { CallbackAddressPolicy, parseAllowlist } from './address-policy';

describe('CallbackAddressPolicy', () => {
  const policy = new CallbackAddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fd00:ec2::254', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s) by default, saying why', (address, kind) => {
    const verdict = policy.verdict(address);
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.reason).toContain(kind);
  });

  it.each(['8.8.8.8', '52.1.2.3', '2001:4860:4860::8888'])('allows the public address %s', (address) => {
    expect(policy.verdict(address)).toEqual({ allowed: true });
  });

  it('allows exactly the ranges an operator lists', () => {
    const local = new CallbackAddressPolicy(['127.0.0.0/8', '::1/128', '10.20.0.0/16']);
    expect(local.verdict('127.0.0.1').allowed).toBe(true);
    expect(local.verdict('::1').allowed).toBe(true);
    expect(local.verdict('::ffff:127.0.0.1').allowed).toBe(true);
    expect(local.verdict('10.20.5.5').allowed).toBe(true);
    expect(local.verdict('10.21.0.1').allowed).toBe(false);
    expect(local.verdict('169.254.169.254').allowed).toBe(false);
  });

  it('parses an allowlist and names a bad entry', () => {
    expect(parseAllowlist(' 127.0.0.0/8, ::1/128 ,')).toEqual(['127.0.0.0/8', '::1/128']);
    expect(() => parseAllowlist('127.0.0.0/8,localhost')).toThrow('"localhost" is not a CIDR range');
  });
});
