import { printable, readableBytes } from './outside-bytes';

describe('readableBytes', () => {
  it('shows valid UTF-8 as it is, line breaks and tabs included', () => {
    const text = '{"ok": true,\n\t"name": "Zoë ✓ 😀"}\r\n';
    expect(readableBytes(Buffer.from(text))).toEqual({ text, exact: true });
  });

  it('escapes NUL and other control characters, and says the text is not exact', () => {
    expect(readableBytes(Buffer.from('ok\u0000\u0000\u0007done\u007f\u0085'))).toEqual({ text: 'ok\\u0000\\u0000\\u0007done\\u007F\\u0085', exact: false });
  });

  it('escapes bytes that are not valid UTF-8 one by one, keeping the valid text around them', () => {
    const bytes = Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xc3]), Buffer.from('é'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])]);
    expect(readableBytes(bytes)).toEqual({ text: 'a\\xFF\\xC3é\\xED\\xA0\\x80\\xE2\\x82', exact: false });
  });

  it('refuses overlong forms and code points past U+10FFFF as UTF-8', () => {
    expect(readableBytes(Buffer.from([0xc0, 0xaf, 0xf4, 0x90, 0x80, 0x80])).text).toBe('\\xC0\\xAF\\xF4\\x90\\x80\\x80');
  });
});

describe('printable', () => {
  it('keeps ordinary text', () => {
    expect(printable('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9')).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('escapes every control character, line breaks included, and lone surrogates', () => {
    expect(printable('bad header "x\u0000y"\r\nnext \ud800!')).toBe('bad header "x\\u0000y"\\u000D\\u000Anext \\uD800!');
  });

  it('cuts long text, never between the halves of a surrogate pair', () => {
    expect(printable('a'.repeat(20), 10)).toBe(`${'a'.repeat(9)}…`);
    const cut = printable(`${'a'.repeat(8)}😀😀`, 10);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
    expect(cut.isWellFormed()).toBe(true);
  });
});
