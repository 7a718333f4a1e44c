import type { Subscription } from '@tripline/contracts';
import { answersValidation, validationDelivery } from './validation-handshake';

const subscription = { id: '0b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11', tenantId: '1b3c1f4e-7c9a-4a34-9a8e-2d1f6a0b9c11', version: 3 } as Subscription;

const codeOf = (body: string) => (JSON.parse(body) as { validationCode: string }).validationCode;

describe('validation handshake', () => {
  it('asks once per subscription version, with a fresh code', () => {
    const a = validationDelivery(subscription);
    const b = validationDelivery(subscription);
    expect(a.id).toBe(b.id);
    expect(codeOf(a.body)).not.toBe(codeOf(b.body));
    expect(validationDelivery({ ...subscription, version: 4 }).id).not.toBe(a.id);
  });

  it('is answered only by echoing the code', () => {
    const { body } = validationDelivery(subscription);
    expect(answersValidation(body, JSON.stringify({ validationResponse: codeOf(body) }))).toBe(true);
    expect(answersValidation(body, JSON.stringify({ validationResponse: 'something else' }))).toBe(false);
    expect(answersValidation(body, 'OK')).toBe(false);
    expect(answersValidation(body, null)).toBe(false);
  });
});
