// Bundles the action and the CLI into dist/ (committed; scripts/check-dist.mjs compares it with a fresh build).
//
// One esbuild build with code splitting: dist/action.js and dist/cli.js, the code both use in
// `chunk-<hash>.js`, and what they load lazily (`await import(...)`: the charts with vega, the PNG
// renderer with resvg) in chunks of its own, so that starting the action does not load them. All
// files sit flat in dist/, next to the files the PNG renderer reads at run time (resvg's wasm and the
// DejaVu fonts, found through `import.meta.url`: src/render/charts/assets.ts). Chunk names carry a
// hash of their content: the same sources give the same files.
//
// `node scripts/bundle.mjs [outdir]`; `bundle(outdir, entryPoints)` for tests that bundle an entry of their own.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const ENTRY_POINTS = {
  action: 'src/action/main.ts',
  cli: 'src/bin.ts',
  // The chart threads (src/render/charts/chart-threads.ts starts them from this file, next to the chunks).
  'chart-worker': 'src/render/charts/chart-worker.ts',
};

/** Files copied into the output as they are: ASSETS of src/render/charts/assets.ts and SHELL_ASSETS of src/dockerfile/shell.ts. */
export const ASSETS = {
  'resvg.wasm': '@resvg/resvg-wasm/index_bg.wasm',
  'DejaVuSans.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  // The shell parser (src/dockerfile/shell.ts, SHELL_ASSETS): tree-sitter's runtime and its Bash grammar.
  'tree-sitter.wasm': 'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-bash.wasm': 'tree-sitter-bash/tree-sitter-bash.wasm',
};

/** Entry points that get `#!/usr/bin/env node` (the package's bin). */
const EXECUTABLES = new Set(['cli']);

// ESM output: packages that still call require() need one (in every output file: a chunk may hold such code).
const requireShim =
  "import { createRequire as __bcaCreateRequire } from 'node:module';\nconst require = __bcaCreateRequire(import.meta.url);";

/** A chunk this script wrote: `<name>-<hash>.js`. */
const CHUNK = /^[\w.]+-[A-Z0-9]{8}\.js$/;

export const options = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  chunkNames: '[name]-[hash]',
  entryNames: '[name]',
  legalComments: 'none',
  logLevel: 'warning',
  minify: true,
  sourcemap: false,
  banner: { js: requireShim },
  // vega-canvas tries `await import('canvas')` and does without it (vega measures text by estimate).
  external: ['canvas'],
  absWorkingDir: root,
  write: false,
};

/** Bundles `entryPoints` (name → source, relative to the repository) into `outdir`, with the assets. */
export async function bundle(outdir, entryPoints = ENTRY_POINTS) {
  const out = resolve(outdir);
  const result = await build({ ...options, entryPoints, outdir: out });
  mkdirSync(out, { recursive: true });
  const written = new Set();
  for (const file of result.outputFiles) {
    const name = relative(out, file.path);
    const shebang = EXECUTABLES.has(name.replace(/\.js$/, ''));
    writeFileSync(file.path, shebang ? `#!/usr/bin/env node\n${file.text}` : file.contents);
    written.add(name);
  }
  const require = createRequire(join(root, 'package.json'));
  for (const [name, from] of Object.entries(ASSETS)) {
    copyFileSync(require.resolve(from), join(out, name));
    written.add(name);
  }
  // Chunks of an earlier bundle: their names change with their content.
  for (const name of readdirSync(out)) {
    if (CHUNK.test(name) && !written.has(name)) rmSync(join(out, name));
  }
  return [...written].sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await bundle(process.argv[2] ?? 'dist');
}
