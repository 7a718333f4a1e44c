import { CallbackAddressPolicy } from './address-policy';
import { checkCallbackUrl } from './callback-resolver';
import { embeddedIPv4s } from './embedded-ipv4';
import ipaddr from 'ipaddr.js';

/** IPv6 addresses that lead to an IPv4 one are judged by that IPv4 address. */
describe('IPv6 addresses that embed an IPv4 address', () => {
  const strict = new CallbackAddressPolicy();

  it.each([
    ['::10.0.0.1', 'IPv4-compatible', '10.0.0.1', 'private'],
    ['::a9fe:a9fe', 'IPv4-compatible', '169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped', '10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped', '169.254.169.254', 'link-local'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated', '10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'NAT64', '10.0.0.1', 'private'],
    ['64:ff9b::127.0.0.1', 'NAT64', '127.0.0.1', 'loopback'],
    ['64:ff9b:1::a9fe:a9fe', 'NAT64 local-use, /96', '169.254.169.254', 'link-local'],
    ['64:ff9b:1:a00:0:100::', 'NAT64 local-use, /48', '10.0.0.1', 'private'], // around the u-octet
    ['2002:a00:1::1', '6to4', '10.0.0.1', 'private'],
    ['2002:a9fe:a9fe::', '6to4', '169.254.169.254', 'link-local'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'Teredo client', '10.0.0.1', 'private'], // 10.0.0.1 XOR 0xffffffff
    ['2001:0:a00:1::f7f7:f7f7', 'Teredo server', '10.0.0.1', 'private'], // client 8.8.8.8, server private
    ['2a00:1450::5efe:a00:1', 'ISATAP', '10.0.0.1', 'private'],
  ])('refuses %s (%s of %s), saying what it embeds', (address, mechanism, ipv4, kind) => {
    const verdict = strict.verdict(address);
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.reason).toContain(`embeds ${ipv4} (${mechanism}), which is`);
    expect(!verdict.allowed && verdict.reason).toContain(kind);
  });

  it.each(['::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7'])(
    'allows %s: the IPv4 address it leads to is public',
    (address) => {
      expect(strict.verdict(address)).toEqual({ allowed: true });
    },
  );

  it('refuses a local-use NAT64 address unless every place its prefix length could put the IPv4 address is allowed', () => {
    // The prefix length is the network's choice: read as a /64, 64:ff9b:1::8.8.8.8 leads to 0.0.0.8, as a /48 to 0.0.0.0.
    expect(strict.verdict('64:ff9b:1::8.8.8.8')).toMatchObject({ allowed: false, reason: expect.stringContaining('embeds 0.0.0.8 (NAT64 local-use, /64)') });
    expect(new CallbackAddressPolicy(['64:ff9b:1::/48']).verdict('64:ff9b:1::8.8.8.8')).toEqual({ allowed: true });
  });

  it('refuses a link-local address even with an ISATAP interface id of a public address', () => {
    expect(strict.verdict('fe80::5efe:808:808').allowed).toBe(false);
  });

  it('honours the allowlist for the embedded address, and only for the ranges listed', () => {
    const local = new CallbackAddressPolicy(['10.0.0.0/8']);
    for (const address of ['::a00:1', '::ffff:a00:1', '64:ff9b::a00:1', '2002:a00:1::', '2001:0:4136:e378:8000:63bf:f5ff:fffe']) {
      expect(local.verdict(address)).toEqual({ allowed: true });
    }
    expect(local.verdict('::a9fe:a9fe').allowed).toBe(false);
    expect(local.verdict('2002:a9fe:a9fe::').allowed).toBe(false);
  });

  it('leaves :: and ::1 to their own ranges, not IPv4-compatible ones', () => {
    expect(embeddedIPv4s(ipaddr.IPv6.parse('::'))).toEqual([]);
    expect(embeddedIPv4s(ipaddr.IPv6.parse('::1'))).toEqual([]);
    expect(strict.verdict('::1')).toMatchObject({ allowed: false, reason: expect.stringContaining('loopback') });
  });

  it.each(['http://[::10.0.0.1]/', 'http://[::169.254.169.254]/latest/meta-data', 'http://[64:ff9b::10.0.0.1]/', 'http://[2002:a00:1::1]/', 'http://[::ffff:0:10.0.0.1]/'])(
    'refuses the callback URL %s, as written in a URL (the host normalized)',
    async (url) => {
      expect(await checkCallbackUrl(url, strict)).toMatchObject({ allowed: false, reason: expect.stringMatching(/embeds (10\.0\.0\.1|169\.254\.169\.254)/) });
    },
  );
});
