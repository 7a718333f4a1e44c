import { DeadLetter, DEAD_LETTER_HEADER_BYTES, DEAD_LETTER_MAX_HEADERS, DEAD_LETTER_PAYLOAD_BYTES } from '@tripline/contracts';
import { deadLetterFor } from './dead-letters';

const source = { topic: 'tripline.ingest.v1', partition: 0, consumerGroup: 'g' };
const raw = (value: Buffer) => ({ key: Buffer.from('k'), value, offset: '7', timestamp: '0', attributes: 0, headers: {} }) as never;

describe('dead letters are bounded, whatever the dead message was', () => {
  it('keeps a prefix of a 300 KB message of control characters that still fits once JSON-encoded', () => {
    const junk = Buffer.alloc(300 * 1024, 1);
    const letter = deadLetterFor(source, raw(junk), 'value is not JSON');
    expect(Buffer.byteLength(JSON.stringify(DeadLetter.parse(letter)))).toBeLessThan(DEAD_LETTER_PAYLOAD_BYTES + 4096);
    expect(letter).toMatchObject({ payloadEncoding: 'utf8', payloadBytes: 300 * 1024, payloadTruncated: true });
    expect(letter.payload!.length).toBeGreaterThan(10_000);
  });

  it('keeps bytes that are not UTF-8 as base64, so nothing is altered', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const letter = deadLetterFor(source, raw(bytes), 'value is not JSON');
    expect(letter).toMatchObject({ payloadEncoding: 'base64', payloadTruncated: false, payloadBytes: 4 });
    expect(Buffer.from(letter.payload!, 'base64')).toEqual(bytes);
  });

  it('keeps a small message whole, and lists a bounded number of issues, saying how many there were', () => {
    const issues = Array.from({ length: 10_000 }, (_, n) => ({ path: `data.components[${n}].status`, message: 'invalid option' }));
    const letter = deadLetterFor(source, raw(Buffer.from('{"a":1}')), 'does not match', issues);
    expect(letter).toMatchObject({ payload: '{"a":1}', payloadTruncated: false });
    expect(letter.issues).toHaveLength(50);
    expect(letter.reason).toContain('10000 issues');
  });

  it('keeps the headers as text, a repeated key repeated, and leaves out what would not fit', () => {
    const headers = {
      traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
      tag: [Buffer.from('a'), Buffer.from('b')],
      huge: Buffer.alloc(DEAD_LETTER_HEADER_BYTES + 1, 65),
      ...Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`h${n}`, `${n}`])),
    };
    const message = { key: null, value: Buffer.from('x'), offset: '7', timestamp: '0', attributes: 0, headers } as never;
    const letter = deadLetterFor(source, message, 'value is not JSON');
    expect(letter.headers.slice(0, 3)).toEqual([
      { key: 'traceparent', value: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      { key: 'tag', value: 'a' },
      { key: 'tag', value: 'b' },
    ]);
    expect(letter.headers.some((h) => h.key === 'huge')).toBe(false);
    expect(letter.headers).toHaveLength(DEAD_LETTER_MAX_HEADERS);
    expect(DeadLetter.parse({ ...letter, headers: undefined }).headers).toEqual([]); // a letter of an older version
  });
});
