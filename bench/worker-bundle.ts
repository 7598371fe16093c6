// The bench measures our code as it ships: bench/worker.ts bundled by scripts/bundle.mjs, like dist/, so a case's
// seconds hold no TypeScript compiling (through tsx that was about 1 s per pipeline case).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, ROOT } from './generate.js';

type Bundle = (outdir: string, entryPoints: Record<string, string>) => Promise<unknown>;

let built: Promise<string> | null = null;

/** The bundled worker's path (bundled once per bench run). */
export function bundledWorker(): Promise<string> {
  built ??= (async () => {
    const { bundle } = (await import(pathToFileURL(join(ROOT, 'scripts', 'bundle.mjs')).href)) as { bundle: Bundle };
    const out = join(BENCH_DIR, 'out', 'worker-bundle');
    await bundle(out, { worker: 'bench/worker.ts', floor: 'bench/floor.ts' });
    return join(out, 'worker.js');
  })();
  return built;
}
