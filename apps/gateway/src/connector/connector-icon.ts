import { crc32, deflateSync } from 'node:zlib';
import { ICON_BRAND_COLOR } from './connector-properties';

/** What connector certification asks of an icon: 230 px square, on the brand colour. */
export const ICON_SIZE = 230;

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [255, 255, 255];
/** Samples per pixel side: 4 × 4 samples give the glyph's edges 16 levels of smoothing. */
const SAMPLES = 4;

/**
 * The connector's icon, drawn here rather than shipped as art: a white "T" whose bar is a
 * tripwire, with a spark where it is tripped, on the brand colour.
 */
export function drawConnectorIcon(): Buffer {
  const background = hexColor(ICON_BRAND_COLOR);
  const pixels = new Uint8Array(ICON_SIZE * ICON_SIZE * 3);
  for (let y = 0; y < ICON_SIZE; y++) {
    for (let x = 0; x < ICON_SIZE; x++) {
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (inGlyph(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES)) covered++;
        }
      }
      const share = covered / (SAMPLES * SAMPLES);
      const at = (y * ICON_SIZE + x) * 3;
      for (let c = 0; c < 3; c++) pixels[at + c] = Math.round(background[c] + (WHITE[c] - background[c]) * share);
    }
  }
  return encodePng(ICON_SIZE, ICON_SIZE, pixels);
}

function inGlyph(x: number, y: number): boolean {
  return (
    nearSegment(x, y, [50, 74], [150, 74], 11) || // the wire: the T's bar
    nearSegment(x, y, [100, 74], [100, 178], 11) || // the T's stem
    inDiamond(x - 174, y - 74, 30, 7) || // the spark, a four-pointed star at the wire's end
    inDiamond(x - 174, y - 74, 7, 30) ||
    inDiamond(x - 174, y - 74, 16, 16)
  );
}

/** Within `radius` of the segment from a to b: a stroke with round ends. */
function nearSegment(x: number, y: number, a: [number, number], b: [number, number], radius: number): boolean {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy)) <= radius;
}

function inDiamond(dx: number, dy: number, halfWidth: number, halfHeight: number): boolean {
  return Math.abs(dx) / halfWidth + Math.abs(dy) / halfHeight <= 1;
}

export function hexColor(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #RRGGBB colour: ${hex}`);
  return [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A truecolour (8-bit RGB, no alpha) PNG of `pixels`, row after row, 3 bytes a pixel. */
export function encodePng(width: number, height: number, pixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  const rowBytes = width * 3;
  const scanlines = Buffer.alloc(height * (rowBytes + 1)); // each row starts with its filter type, 0: none
  for (let y = 0; y < height; y++) scanlines.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(scanlines, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0); // over type and data, not length
  return Buffer.concat([head, data, crc]);
}
