// The PNG writer, read back by an independent decoder (pngjs): the same pixels, whatever they are.
import { PNG } from 'pngjs';
import fc from 'fast-check';
import { encodePng } from '../../src/render/charts/png-encode.js';
import { svgToPixels, svgToPng } from '../../src/render/charts/png.js';

function decode(bytes: Uint8Array): { width: number; height: number; data: Buffer } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: png.data };
}

test('any RGBA image decodes to exactly its pixels', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 40 }),
      fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
      (width, height, bytes) => {
        const rgba = Uint8Array.from(bytes.take(width * height * 4));
        expect(decode(encodePng(width, height, rgba))).toEqual({ width, height, data: Buffer.from(rgba) });
      },
    ),
    { numRuns: 200 },
  );
});

test('a view into a larger buffer: only its own bytes are written', () => {
  const big = new Uint8Array(100).fill(7);
  const view = big.subarray(10, 10 + 2 * 3 * 4).fill(200);
  expect(decode(encodePng(2, 3, view)).data).toEqual(Buffer.alloc(24, 200));
});

test('pixels that do not fill width × height: an error, not a broken file', () => {
  expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow('15 bytes are not 2×2 RGBA pixels');
  expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow('are not 0×2 RGBA pixels');
});

test('a chart: the PNG holds what resvg rendered', async () => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" height="20" fill="white"/>' +
    '<rect x="5" y="5" width="30" height="10" fill="#4c78a8"/><text x="40" y="15" font-size="10">1 s</text></svg>';
  const rendered = await svgToPixels(svg);
  const png = decode(await svgToPng(svg));
  expect(png.width).toBe(rendered.width);
  expect(png.height).toBe(rendered.height);
  expect(png.data.equals(Buffer.from(rendered.pixels))).toBe(true);
});
