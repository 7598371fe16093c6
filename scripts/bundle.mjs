// Bundles the action and the CLI into dist/ (committed; scripts/check-dist.mjs compares it with a fresh build).
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'dist';
// ESM output: packages that still call require() need one.
const requireShim =
  "import { createRequire as __bcaCreateRequire } from 'node:module';\nconst require = __bcaCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  minify: true,
  sourcemap: false,
};

await build({ ...common, entryPoints: { action: 'src/main.ts' }, outdir, banner: { js: requireShim } });
await build({
  ...common,
  entryPoints: { cli: 'src/bin.ts' },
  outdir,
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});
