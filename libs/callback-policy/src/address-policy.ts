import ipaddr from 'ipaddr.js';

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
    let ip = ipaddr.parse(address);
    // ::ffff:10.0.0.1 is 10.0.0.1: judge the IPv4 address inside.
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (this.allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return { allowed: true };
    const range = ip.range();
    if (range === 'unicast') return { allowed: true };
    return {
      allowed: false,
      reason: `${ip.toString()} is ${RANGE_NAMES[range] ?? `in the ${range} range`}; callbacks to it are refused (TRIPLINE_CALLBACK_ALLOWLIST can allow a range)`,
    };
  }
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
