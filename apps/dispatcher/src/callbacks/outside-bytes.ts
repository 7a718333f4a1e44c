import { isUtf8 } from 'node:buffer';

/**
 * What a receiver sends back is data, not text: any bytes at all, NUL and invalid UTF-8
 * included. It is stored as bytes, and shown to people in one documented form:
 *
 * - valid UTF-8 stays as it is (JSON, HTML, any language), tab, line feed and carriage return
 *   included;
 * - every other control character (C0, DEL, C1) is shown as `\uXXXX`;
 * - a byte that is not part of valid UTF-8 is shown as `\xXX`.
 *
 * A backslash the receiver sent stays a single backslash, so the form is for reading, not for
 * decoding: when anything was escaped (`exact: false`), the exact bytes go alongside, in base64.
 */
export function readableBytes(bytes: Uint8Array): { text: string; exact: boolean } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) {
    const text = buffer.toString('utf8');
    if (text.search(HIDDEN_EXCEPT_WHITESPACE) === -1) return { text, exact: true };
  }
  let text = '';
  for (let i = 0; i < buffer.length; ) {
    const length = utf8SequenceAt(buffer, i);
    if (length === 0) {
      text += `\\x${hex(buffer[i], 2)}`;
      i += 1;
      continue;
    }
    text += escapeHidden(buffer.toString('utf8', i, i + length), HIDDEN_EXCEPT_WHITESPACE);
    i += length;
  }
  return { text, exact: false };
}

/**
 * Text that may quote what a receiver sent (an error message naming a header's value) made
 * safe to store, log and show on one line: every control character escaped as `\uXXXX`, lone
 * surrogates as `\uXXXX` too (they have no UTF-8 form), and at most `maxLength` characters.
 */
export function printable(text: string, maxLength = 1000): string {
  let out = escapeHidden(text, HIDDEN);
  if (!out.isWellFormed()) out = out.replace(/\p{Surrogate}/gu, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
  if (out.length <= maxLength) return out;
  // Not between the two halves of a surrogate pair: that would leave a lone one.
  const cut = out.slice(0, maxLength - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

/** C0 and C1 control characters, DEL included. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same, but for tab, line feed and carriage return, which are at home in a response body. */
const HIDDEN_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

function escapeHidden(text: string, hidden: RegExp): string {
  return text.replace(hidden, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

/** The length of the well-formed UTF-8 sequence starting at `i` (RFC 3629), or 0 when there is none. */
function utf8SequenceAt(b: Buffer, i: number): number {
  const first = b[i];
  if (first < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < b.length && b[j] >= lo && b[j] <= hi;
  if (first >= 0xc2 && first <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const [lo, hi] = first === 0xe0 ? [0xa0, 0xbf] : first === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const [lo, hi] = first === 0xf0 ? [0x90, 0xbf] : first === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}
