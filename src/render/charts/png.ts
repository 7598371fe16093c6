// SVG → PNG with resvg (wasm: no native code, any architecture). resvg loads no system fonts here:
// the charts are drawn in DejaVu Sans, shipped with the bundle (see assets.ts). Loaded lazily.
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { PNG } from 'pngjs';
import { FONT_FAMILY, readAsset } from './assets.js';
import { baselineWasmOnly } from '../../util/wasm-assets.js';

export interface PngOptions {
  /** Pixels per SVG unit (default 2, for sharp text); lowered so that no side exceeds 8000 pixels. */
  scale?: number;
}

/** Largest PNG side, in pixels: a tall waterfall is scaled down to it. */
const MAX_SIDE = 8000;

let ready: Promise<Uint8Array[]> | null = null;

/** Loads the wasm and the fonts once; a failure is not kept (the next call tries again). */
function load(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    baselineWasmOnly();
    const [wasm, regular, bold] = await Promise.all([
      readAsset('resvg.wasm'),
      readAsset('DejaVuSans.ttf'),
      readAsset('DejaVuSans-Bold.ttf'),
    ]);
    await initWasm(wasm);
    return [regular, bold];
  })().catch((err: unknown) => {
    ready = null;
    throw err;
  });
  return ready;
}

/** Compiles the wasm and reads the fonts now (the action does it while the build runs). */
export async function preparePng(): Promise<void> {
  await load();
}

type Rendered = ReturnType<InstanceType<typeof Resvg>['render']>;

/** Width and height of the root element when given in user units (vega's are), else null. */
function rootSize(svg: string): [number, number] | null {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const num = (name: string) => Number(new RegExp(`\\s${name}="(\\d+(?:\\.\\d+)?)"`).exec(root)?.[1] ?? NaN);
  const [width, height] = [num('width'), num('height')];
  return Number.isFinite(width) && Number.isFinite(height) ? [width, height] : null;
}

/** The size resvg gives a document (one parse more). */
function measure(svg: string): [number, number] {
  const probe = new Resvg(svg, { font: { loadSystemFonts: false } });
  try {
    return [probe.width, probe.height];
  } finally {
    probe.free();
  }
}

async function render<T>(svg: string, opts: PngOptions, use: (image: Rendered) => T): Promise<T> {
  const fonts = await load();
  const font = {
    fontBuffers: fonts,
    loadSystemFonts: false,
    defaultFontFamily: FONT_FAMILY,
    sansSerifFamily: FONT_FAMILY,
  };
  const side = Math.max(...(rootSize(svg) ?? measure(svg)), 1);
  const scale = Math.min(opts.scale ?? 2, MAX_SIDE / side);
  const resvg = new Resvg(svg, { font, fitTo: { mode: 'zoom', value: scale }, background: 'white' });
  try {
    const image = resvg.render();
    try {
      return use(image);
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/** Renders an SVG document (a chart of `renderCharts`) to PNG bytes. Throws on SVG that is not well-formed. */
export function svgToPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  // Encoded by pngjs over node's zlib: resvg's own encoder, in WebAssembly, took about 75 ms of the 115 ms a
  // chart costs. Rows filtered 'Up' (one filter, not the best of five per row) deflate in about 25 ms; the files
  // are a little larger (33-82 KB instead of 26-64 KB on the example).
  return render(svg, opts, (image) =>
    PNG.sync.write(
      Object.assign(new PNG({ width: image.width, height: image.height }), { data: Buffer.from(image.pixels) }),
      { filterType: 2, colorType: 6 },
    ),
  );
}

/** The same rendering as RGBA pixels, row by row (for checks that need no PNG decoder). */
export function svgToPixels(
  svg: string,
  opts: PngOptions = {},
): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  return render(svg, opts, (image) => ({ width: image.width, height: image.height, pixels: image.pixels }));
}
