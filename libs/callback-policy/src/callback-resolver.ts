import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import type { AddressVerdict, CallbackAddressPolicy } from './address-policy';

const lookupAll = promisify(lookup) as unknown as (host: string, options: { all: true }) => Promise<LookupAddress[]>;

/** Thrown (or passed to a connect callback) when a callback's address is refused. */
export class CallbackAddressRefused extends Error {
  readonly code = 'CALLBACK_ADDRESS_REFUSED';
  constructor(readonly host: string, reason: string) {
    super(`${host}: ${reason}`);
    this.name = 'CallbackAddressRefused';
  }
}

/**
 * Checks a callback URL at subscribe time: every address its host resolves to must be allowed
 * (a name with one private address among public ones could be steered to it). The check that
 * counts is at connect time (guardedLookup); this one gives the subscriber an early, clear 400.
 */
export async function checkCallbackUrl(url: string, policy: CallbackAddressPolicy): Promise<AddressVerdict> {
  const host = hostOf(url);
  if (isIP(host)) return policy.verdict(host);
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host, { all: true });
  } catch (error) {
    return { allowed: false, reason: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})` };
  }
  for (const { address } of addresses) {
    const verdict = policy.verdict(address);
    if (!verdict.allowed) return { allowed: false, reason: `${host} resolves to ${verdict.reason}` };
  }
  return { allowed: true };
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls connect: resolves as usual, then refuses the connection if the address
 * it would connect to is not allowed. This judges the address actually connected to, so a DNS
 * answer that changes between subscribe and delivery (DNS rebinding) cannot get through.
 */
export function guardedLookup(policy: CallbackAddressPolicy) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const verdict = policy.verdict(address);
        if (!verdict.allowed) return callback(new CallbackAddressRefused(hostname, verdict.reason), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
