// Files the PNG renderer reads at run time: resvg's wasm and the DejaVu fonts. The bundle
// (scripts/bundle.mjs) copies them next to its chunks in dist/, where `import.meta.url` of the
// bundled code finds them; from src/ (jest, tsx) they come from node_modules.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The font every chart is drawn in, and the only one the PNG renderer has. */
export const FONT_FAMILY = 'DejaVu Sans';

/** File name in dist/ → the file in node_modules it is copied from (scripts/bundle.mjs has the same list). */
export const ASSETS = {
  'resvg.wasm': '@resvg/resvg-wasm/index_bg.wasm',
  'DejaVuSans.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
} as const;

export type AssetName = keyof typeof ASSETS;

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/** The bytes of an asset: next to this code (the bundle), else from node_modules (running from src/). */
export async function readAsset(name: AssetName): Promise<Uint8Array> {
  const here = new URL(`./${name}`, import.meta.url);
  try {
    return await readFile(here);
  } catch (err) {
    if (!missing(err)) throw err;
  }
  try {
    return await readFile(createRequire(import.meta.url).resolve(ASSETS[name]));
  } catch (err) {
    if (!missing(err)) throw err;
    throw new Error(
      `chart asset ${name} not found: neither ${fileURLToPath(here)} nor ${ASSETS[name]} in node_modules`,
    );
  }
}
