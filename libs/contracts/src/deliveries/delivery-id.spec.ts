import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { deliveryId } from './delivery-id';

describe('deliveryId', () => {
  it('is the same id for the same firing, in every release: receivers de-duplicate on it', () => {
    const id = deliveryId('7b0c1c52-2f0e-4c59-9d7e-2b8f3c6c1a11', 'event:evt-1', '3f2a9c1e-8d4b-4e6f-a1b2-c3d4e5f60718');
    expect(id).toBe(deliveryId('7b0c1c52-2f0e-4c59-9d7e-2b8f3c6c1a11', 'event:evt-1', '3f2a9c1e-8d4b-4e6f-a1b2-c3d4e5f60718'));
    // Pinned: a change here would make every redelivered event fire again under a new id.
    expect(id).toBe('a19e00a7-c2e4-5fdf-92fa-29c907d05df7');
  });

  it('differs per occurrence and per subscription', () => {
    const tenant = '7b0c1c52-2f0e-4c59-9d7e-2b8f3c6c1a11';
    const subscription = '3f2a9c1e-8d4b-4e6f-a1b2-c3d4e5f60718';
    const ids = new Set([
      deliveryId(tenant, 'event:evt-1', subscription),
      deliveryId(tenant, 'event:evt-2', subscription),
      deliveryId(tenant, 'event:evt-1', '0d9c8b7a-6f5e-4d3c-8b2a-190807060504'),
    ]);
    expect(ids.size).toBe(3);
  });

  it('is uuid v5 of the three as JSON text, for any text they hold (the ids already delivered stay the same)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.uuid(), (tenant, occurrence, subscription) => {
        // JSON.stringify escapes lone surrogates, so the text hashed is always well-formed.
        expect(deliveryId(tenant, occurrence, subscription)).toBe(uuidv5(JSON.stringify([tenant, occurrence, subscription]), 'a8d5b2e4-1c7f-4b0e-9f3a-6e2d8c4b1a90'));
      }),
    );
  });
});
