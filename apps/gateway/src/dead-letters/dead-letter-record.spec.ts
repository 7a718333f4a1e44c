import { deadLetterId, payloadBytes, tenantNamedBy } from './dead-letter-record';

const tenant = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';

describe('a stored dead letter', () => {
  it('is one row per record, whoever delivers it again', () => {
    const at = { topic: 'tripline.dead-letters.v1', partition: 2, offset: '41' };
    expect(deadLetterId(at)).toBe(deadLetterId({ ...at }));
    expect(deadLetterId(at)).not.toBe(deadLetterId({ ...at, offset: '42' }));
    expect(deadLetterId(at)).not.toBe(deadLetterId({ ...at, partition: 24, offset: '1' }));
  });

  it('gives the original bytes back, text or base64', () => {
    expect(payloadBytes({ payload: 'héllo', payloadEncoding: 'utf8' })).toEqual(Buffer.from('héllo', 'utf8'));
    expect(payloadBytes({ payload: Buffer.from([0xff, 0x00, 0xc3]).toString('base64'), payloadEncoding: 'base64' })).toEqual(Buffer.from([0xff, 0x00, 0xc3]));
    expect(payloadBytes({ payload: null, payloadEncoding: 'utf8' })).toBeNull();
  });

  it.each([
    ['a JSON object naming it', JSON.stringify({ tenantId: tenant, id: 'e1' }), false, tenant],
    ['its id in capitals', JSON.stringify({ tenantId: tenant.toUpperCase() }), false, tenant],
    ['a payload cut short', `{"id":"e1","tenantId": "${tenant}","data":{"x":"aaaa`, true, tenant],
    ['no tenantId', JSON.stringify({ id: 'e1' }), false, null],
    ['a tenantId that is no uuid', JSON.stringify({ tenantId: 'contoso' }), false, null],
    ['a nested tenantId only', JSON.stringify({ data: { tenantId: tenant } }), false, null],
    ['an array', JSON.stringify([{ tenantId: tenant }]), false, null],
    ['not JSON', 'tenantId', false, null],
  ])('names the tenant of %s', (_, payload, payloadTruncated, expected) => {
    expect(tenantNamedBy({ payload, payloadEncoding: 'utf8', payloadTruncated })).toBe(expected);
  });

  it('names no tenant for bytes that were not text', () => {
    expect(tenantNamedBy({ payload: Buffer.from(`{"tenantId":"${tenant}"}`).toString('base64'), payloadEncoding: 'base64', payloadTruncated: false })).toBeNull();
  });
});
