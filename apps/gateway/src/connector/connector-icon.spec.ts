import { inflateSync } from 'node:zlib';
import { drawConnectorIcon, encodePng, hexColor, ICON_SIZE } from './connector-icon';
import { ICON_BRAND_COLOR } from './connector-properties';

/** CRC-32 as the PNG specification defines it, computed here independently of the encoder. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Buffer;
  crcMatches: boolean;
}

function readPng(png: Buffer): { chunks: Chunk[]; width: number; height: number; rgb: (x: number, y: number) => number[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    chunks.push({ type: typeAndData.subarray(0, 4).toString('ascii'), data: typeAndData.subarray(4), crcMatches: crc32(typeAndData) === png.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }
  const header = chunks[0].data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const scanlines = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 3 + 1;
  return {
    chunks,
    width,
    height,
    rgb: (x, y) => {
      expect(scanlines[y * stride]).toBe(0); // the encoder writes unfiltered rows
      return [...scanlines.subarray(y * stride + 1 + x * 3, y * stride + 4 + x * 3)];
    },
  };
}

describe('the connector icon', () => {
  const png = drawConnectorIcon();
  const image = readPng(png);

  it('is a well-formed 230 × 230 truecolour PNG: IHDR first, IEND last, every chunk\'s CRC right', () => {
    expect(image.chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(image.chunks.every((c) => c.crcMatches)).toBe(true);
    expect([image.width, image.height]).toEqual([230, 230]);
    expect(ICON_SIZE).toBe(230);
    expect([...image.chunks[0].data.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
  });

  it('weighs between 1 KB and 100 KB, as certification asks', () => {
    expect(png.length).toBeGreaterThan(1024);
    expect(png.length).toBeLessThan(100 * 1024);
  });

  it('is the brand colour behind a white glyph, never white or transparent at the edges', () => {
    const brand = [...hexColor(ICON_BRAND_COLOR)];
    for (const [x, y] of [[0, 0], [229, 0], [0, 229], [229, 229], [115, 220]]) expect(image.rgb(x, y)).toEqual(brand);
    expect(image.rgb(100, 120)).toEqual([255, 255, 255]); // the T's stem
    expect(image.rgb(174, 74)).toEqual([255, 255, 255]); // the spark's centre
  });
});

describe('encodePng', () => {
  it('writes the pixels it is given, row by row', () => {
    const pixels = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const image = readPng(encodePng(2, 2, pixels));
    expect([image.rgb(0, 0), image.rgb(1, 0), image.rgb(0, 1), image.rgb(1, 1)]).toEqual([[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]);
    expect(image.chunks.every((c) => c.crcMatches)).toBe(true);
  });
});

describe('hexColor', () => {
  it('reads #RRGGBB and refuses anything else', () => {
    expect(hexColor('#0E6f7a')).toEqual([14, 111, 122]);
    expect(() => hexColor('0E6F7A')).toThrow('#RRGGBB');
    expect(() => hexColor('#fff')).toThrow('#RRGGBB');
  });
});
