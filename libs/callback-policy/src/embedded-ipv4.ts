import ipaddr from 'ipaddr.js';

/** An IPv4 address carried inside an IPv6 one, and the mechanism that carries it. */
export interface EmbeddedIPv4 {
  mechanism: string;
  ipv4: ipaddr.IPv4;
}

/**
 * The IPv4 addresses an IPv6 address leads to through a transition mechanism: a packet to
 * ::10.0.0.1 or 2002:a00:1:: can end up at 10.0.0.1 (through the host's own stack, a NAT64
 * gateway, a 6to4 relay or a Teredo tunnel), so each embedded IPv4 must pass the same policy as
 * if it had been given plainly. Empty: no mechanism applies, the IPv6 address stands for itself.
 */
export function embeddedIPv4s(ip: ipaddr.IPv6): EmbeddedIPv4[] {
  const p = ip.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const zero = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);

  // ::ffff:a.b.c.d (RFC 4291): the IPv4 address itself, to every dual-stack socket.
  if (zero(0, 5) && p[5] === 0xffff) return [{ mechanism: 'IPv4-mapped', ipv4: v4(p[6], p[7]) }];
  // ::ffff:0:a.b.c.d (RFC 6145/2765): IPv4-translated, for stateless translators.
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) return [{ mechanism: 'IPv4-translated', ipv4: v4(p[6], p[7]) }];
  // ::a.b.c.d (RFC 4291, deprecated): IPv4-compatible; :: and ::1 are not (unspecified, loopback).
  if (zero(0, 6) && (p[6] !== 0 || p[7] > 1)) return [{ mechanism: 'IPv4-compatible', ipv4: v4(p[6], p[7]) }];
  // 64:ff9b::/96 (RFC 6052): the well-known NAT64 prefix, the IPv4 address in the last 32 bits.
  if (p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6)) return [{ mechanism: 'NAT64', ipv4: v4(p[6], p[7]) }];
  // 64:ff9b:1::/48 (RFC 8215): local-use NAT64, with a prefix of any RFC 6052 length within it;
  // where the IPv4 address sits depends on that length, which only the network knows: judge every place.
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) {
    const bytes = ip.toByteArray();
    // RFC 6052 section 2.2: bits 64-71 (byte 8) are always skipped. The usual /96 first, so the
    // reason names the address most likely meant.
    const places: Array<[number, number[]]> = [
      [96, [12, 13, 14, 15]],
      [64, [9, 10, 11, 12]],
      [56, [7, 9, 10, 11]],
      [48, [6, 7, 9, 10]],
    ];
    return places.map(([length, at]) => ({ mechanism: `NAT64 local-use, /${length}`, ipv4: new ipaddr.IPv4(at.map((i) => bytes[i])) }));
  }
  // 2002::/16 (RFC 3056): 6to4, the relay's IPv4 address in bits 16-47.
  if (p[0] === 0x2002) return [{ mechanism: '6to4', ipv4: v4(p[1], p[2]) }];
  // 2001::/32 (RFC 4380): Teredo, the server in bits 32-63 and the client, inverted, in the last 32.
  if (p[0] === 0x2001 && p[1] === 0) {
    return [
      { mechanism: 'Teredo client', ipv4: v4(p[6] ^ 0xffff, p[7] ^ 0xffff) },
      { mechanism: 'Teredo server', ipv4: v4(p[2], p[3]) },
    ];
  }
  // ISATAP (RFC 5214): an interface id of 0:5efe or 200:5efe carries the IPv4 address in its last 32 bits.
  if ((p[4] === 0 || p[4] === 0x200) && p[5] === 0x5efe) return [{ mechanism: 'ISATAP', ipv4: v4(p[6], p[7]) }];
  return [];
}
