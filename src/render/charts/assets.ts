// Files the PNG renderer reads at run time: resvg's wasm and the DejaVu fonts. The bundle
// (scripts/bundle.mjs) copies them next to its chunks in dist/, where `import.meta.url` of the
// bundled code finds them; from src/ (jest, tsx) they come from node_modules.
import { readBundledAsset } from '../../util/wasm-assets.js';

/** The font every chart is drawn in, and the only one the PNG renderer has. */
export const FONT_FAMILY = 'DejaVu Sans';

/** File name in dist/ → the file in node_modules it is copied from (scripts/bundle.mjs has the same list). */
export const ASSETS = {
  'resvg.wasm': '@resvg/resvg-wasm/index_bg.wasm',
  'DejaVuSans.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
} as const;

export type AssetName = keyof typeof ASSETS;

/** The bytes of an asset: next to the bundle, else from node_modules (running from src/). */
export function readAsset(name: AssetName): Promise<Uint8Array> {
  return readBundledAsset(name, ASSETS[name]);
}
