import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** What Express's `trust proxy` is given: no proxy, every proxy, the nearest n hops, or the proxies at these addresses. */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !ipaddr.IPv6.isValid(address)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128));
}

/**
 * TRIPLINE_TRUST_PROXY: which proxies in front of the gateway are believed about the client's
 * address (X-Forwarded-For), so that req.ip, on which the admin lockout is keyed, is the
 * client's and not the proxy's. Off by default: the header is then ignored, since any client
 * can write it. Takes what Express's `trust proxy` takes that is safe to set from the
 * environment (no function): `false`, `true`, a hop count, or comma-separated addresses, CIDR
 * ranges and the names loopback, linklocal, uniquelocal.
 */
export const trustProxy = z
  .string()
  .default('false')
  .transform((raw, ctx): TrustProxy => {
    const value = raw.trim();
    if (value === '' || value === 'false') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= 100) return hops;
    } else {
      const entries = value.split(',').map((s) => s.trim());
      const wrong = entries.filter((e) => !isAddressOrRange(e));
      if (wrong.length === 0) return entries;
    }
    ctx.addIssue({
      code: 'custom',
      message: 'must be false, true, a hop count (0 to 100), or comma-separated IP addresses, CIDR ranges or loopback, linklocal, uniquelocal',
    });
    return z.NEVER;
  });
