// WebAssembly and the files it reads at run time (tree-sitter's Bash grammar, resvg and its fonts). The bundle
// (scripts/bundle.mjs) copies them next to its chunks in dist/, where `import.meta.url` of the bundled code finds
// them; from src/ (jest, tsx) they come from node_modules.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/** The bytes of `name`: next to this code (the bundle), else `fromPackage` in node_modules (running from src/). */
export async function readBundledAsset(name: string, fromPackage: string): Promise<Uint8Array> {
  const here = new URL(`./${name}`, import.meta.url);
  try {
    return await readFile(here);
  } catch (err) {
    if (!missing(err)) throw err;
  }
  try {
    return await readFile(createRequire(import.meta.url).resolve(fromPackage));
  } catch (err) {
    if (!missing(err)) throw err;
    throw new Error(`asset ${name} not found: neither ${fileURLToPath(here)} nor ${fromPackage} in node_modules`);
  }
}

let baseline = false;

/**
 * Called before any WebAssembly is compiled: V8 compiles a module with Liftoff, its baseline compiler, and then
 * again with TurboFan on background threads. For tree-sitter-bash's 1.3 MB parser that second compile costs about
 * 1.6 s of CPU, and the process waits for it (blocked mid-run, or at exit) although each parse is of a few lines:
 * the CLI on the bundled example took 2.35 s with it and 0.68 s without. resvg's PNGs are faster overall without it
 * too (the action's overhead 4.3 s → 1.7 s). The flag is read when a module compiles, so it must come first.
 */
export function baselineWasmOnly(): void {
  if (baseline) return;
  baseline = true;
  setFlagsFromString('--liftoff-only');
}
