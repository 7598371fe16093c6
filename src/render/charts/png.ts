// SVG → PNG with resvg (wasm: no native code, any architecture). resvg loads no system fonts here:
// the charts are drawn in DejaVu Sans, shipped with the bundle (see assets.ts). Loaded lazily.
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { isMainThread } from 'node:worker_threads';
import { FONT_FAMILY, readAsset } from './assets.js';
import { baselineWasmOnly } from '../../util/wasm-assets.js';
import { encodePng } from './png-encode.js';

export interface PngOptions {
  /** Pixels per SVG unit (default 2, for sharp text); lowered so that no side exceeds 8000 pixels. */
  scale?: number;
}

/** Largest PNG side, in pixels: a tall waterfall is scaled down to it. */
const MAX_SIDE = 8000;

let ready: Promise<Uint8Array[]> | null = null;

const FETCH_GLOBALS = ['Request', 'Response'] as const;

/**
 * Runs `init` with the fetch API's globals hidden. resvg's loader asks `typeof Request` and `typeof Response`, and in
 * a fresh thread those lazy globals load node's whole fetch implementation (undici, http2, tls): about 170 ms of
 * compiling in the chart thread, for nothing (the wasm is given as bytes). Only off the main thread, where nothing
 * else runs meanwhile.
 */
async function withoutFetchGlobals<T>(init: () => Promise<T>): Promise<T> {
  if (isMainThread) return init();
  const saved = FETCH_GLOBALS.map((name) => Object.getOwnPropertyDescriptor(globalThis, name));
  for (const name of FETCH_GLOBALS)
    Object.defineProperty(globalThis, name, { value: undefined, configurable: true, writable: true });
  try {
    return await init();
  } finally {
    FETCH_GLOBALS.forEach((name, i) => {
      const descriptor = saved[i];
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else Reflect.deleteProperty(globalThis, name);
    });
  }
}

/** Loads the wasm and the fonts once; a failure is not kept (the next call tries again). */
function load(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    baselineWasmOnly();
    const [wasm, regular, bold] = await Promise.all([
      readAsset('resvg.wasm'),
      readAsset('DejaVuSans.ttf'),
      readAsset('DejaVuSans-Bold.ttf'),
    ]);
    await withoutFetchGlobals(() => initWasm(wasm));
    return [regular, bold];
  })().catch((err: unknown) => {
    ready = null;
    throw err;
  });
  return ready;
}

// Text in both weights, a path, a line and a fill, as vega draws them.
const WARM_UP_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" fill="white"/>' +
  '<g transform="translate(4,4)"><path d="M0,20h60v12h-60Z" fill="#4c78a8"/><line x2="100" y2="0" stroke="#ddd"/>' +
  `<text transform="translate(0,12)" font-family="${FONT_FAMILY}" font-size="11px">warm 1.0 s</text>` +
  `<text transform="translate(64,30)" font-family="${FONT_FAMILY}" font-size="13px" font-weight="bold">up</text></g></svg>`;

/**
 * Compiles the wasm and reads the fonts now, then renders and encodes one small chart: the first real chart took about 100 ms more than the
 * next ones (code run for the first time), and the action has that time while it waits on docker.
 */
export async function warmUpPng(): Promise<void> {
  await svgToPng(WARM_UP_SVG);
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
  // Encoded over node's zlib (png-encode.ts): resvg's own encoder, in WebAssembly, took about 75 ms of a chart's 115.
  return render(svg, opts, (image) => encodePng(image.width, image.height, image.pixels));
}

/** The same rendering as RGBA pixels, row by row (for checks that need no PNG decoder). */
export function svgToPixels(
  svg: string,
  opts: PngOptions = {},
): Promise<{ width: number; height: number; pixels: Uint8Array }> {
  return render(svg, opts, (image) => ({ width: image.width, height: image.height, pixels: image.pixels }));
}
