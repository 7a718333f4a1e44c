import { CallbackAddressPolicy } from './address-policy';
import { checkCallbackUrl, hostOf } from './callback-resolver';

describe('checkCallbackUrl', () => {
  const strict = new CallbackAddressPolicy();

  it('refuses a DNS name that resolves to a loopback address, naming the address', async () => {
    const verdict = await checkCallbackUrl('http://localhost:8080/hook', strict);
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.reason).toMatch(/^localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
  });

  it('refuses IP literals in private ranges, v4 and v6', async () => {
    expect(await checkCallbackUrl('http://192.168.0.10/hook', strict)).toMatchObject({ allowed: false });
    expect(await checkCallbackUrl('http://[fe80::1]/hook', strict)).toMatchObject({ allowed: false });
  });

  it('refuses a name that does not resolve', async () => {
    const verdict = await checkCallbackUrl('http://no-such-host.invalid/hook', strict);
    expect(!verdict.allowed && verdict.reason).toMatch(/does not resolve/);
  });

  it('allows what the operator allowlisted', async () => {
    expect(await checkCallbackUrl('http://localhost:8080/hook', new CallbackAddressPolicy(['127.0.0.0/8', '::1/128']))).toEqual({ allowed: true });
  });

  it('reads hosts without IPv6 brackets', () => {
    expect(hostOf('http://[::1]:80/x')).toBe('::1');
  });
});
