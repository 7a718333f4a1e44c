import ipaddr from 'ipaddr.js';
import { embeddedIPv4s } from './embedded-ipv4';

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Where a range sits, in words a user can act on. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address (this includes cloud metadata endpoints)',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'an IPv6 unique-local address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

/**
 * Which addresses callbacks may reach. Only public unicast addresses, by default: a callback URL
 * is chosen by a tenant, and must not become a way to reach Tripline's own network (the
 * database, the broker, a cloud metadata endpoint). The operator opens exact ranges with
 * TRIPLINE_CALLBACK_ALLOWLIST (CIDRs); local runs and tests open loopback that way.
 */
export class CallbackAddressPolicy {
  private readonly allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(readonly allowlist: readonly string[] = []) {
    this.allowed = allowlist.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  verdict(address: string): AddressVerdict {
    if (!ipaddr.isValid(address)) return { allowed: false, reason: `${address} is not an IP address` };
    const ip = parse(address);
    if (this.allows(ip)) return { allowed: true };
    const range = ip.range();
    if (ip.kind() === 'ipv6' && (range === 'unicast' || TRANSITION_RANGES.has(range))) {
      // An IPv6 address that leads to an IPv4 one is judged by where it leads.
      const embedded = embeddedIPv4s(ip as ipaddr.IPv6);
      const refused = embedded.filter(({ ipv4 }) => !this.allows(ipv4) && ipv4.range() !== 'unicast');
      // Where several places are judged (local-use NAT64), name a refused address that means something over 0.x.x.x.
      const named = refused.find(({ ipv4 }) => ipv4.range() !== 'unspecified') ?? refused[0];
      if (named) return { allowed: false, reason: `${address} embeds ${named.ipv4.toString()} (${named.mechanism}), which ${refusal(named.ipv4)}` };
      if (embedded.length > 0 || range === 'unicast') return { allowed: true };
    }
    if (range === 'unicast') return { allowed: true };
    return { allowed: false, reason: `${ip.toString()} ${refusal(ip)}` };
  }

  private allows(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  }
}

/**
 * The IPv6 ranges whose addresses stand for IPv4 ones (mapped, translated, NAT64, 6to4,
 * Teredo): judged by the IPv4 address inside, not refused or allowed as a block.
 */
const TRANSITION_RANGES = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo']);

/**
 * ipaddr.js reads "::10.0.0.1" (IPv4-compatible, which is how Node prints ::a00:1) as
 * ::ffff:10.0.0.1 (IPv4-mapped); the WHATWG URL parser reads it right, so IPv6 text with a
 * dotted tail goes through it first. (Zone ids, which URLs do not take, have no dotted tail.)
 */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.includes(':') && address.includes('.')) return ipaddr.IPv6.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  return ipaddr.parse(address);
}

function refusal(ip: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = ip.range();
  return `is ${RANGE_NAMES[range] ?? `in the ${range} range`}; callbacks to it are refused (TRIPLINE_CALLBACK_ALLOWLIST can allow a range)`;
}

/** A CIDR list as the env gives it; throws naming the entry that is not a CIDR. */
export function parseAllowlist(value: string): string[] {
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    try {
      ipaddr.parseCIDR(entry);
    } catch {
      throw new Error(`"${entry}" is not a CIDR range (e.g. 10.0.0.0/8, ::1/128)`);
    }
  }
  return entries;
}
