// SVG → PNG off the main thread when the bundle has its worker (dist/png-worker.js), else in this thread (running
// from src/: tests, tsx). The worker keeps the process alive only while a chart is being rasterised.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PngReply, PngRequest } from './png-worker.js';

export interface Rasterizer {
  /** On a worker thread (the bundle), not this one. */
  readonly threaded: boolean;
  png(svg: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

const inThread = async (svg: string): Promise<Uint8Array> => (await import('./png.js')).svgToPng(svg);

/** Starts the rasteriser: its wasm and fonts load right away, on its own thread when there is one. */
export function startRasterizer(): Rasterizer {
  const url = new URL('./png-worker.js', import.meta.url);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) {
    import('./png.js').then((m) => m.preparePng()).catch(() => {});
    return { threaded: false, png: inThread, close: async () => {} };
  }
  let worker: Worker | null = new Worker(url);
  worker.unref();
  const pending = new Map<number, { svg: string; resolve: (png: Uint8Array) => void; reject: (err: Error) => void }>();
  let next = 0;
  const settle = () => {
    if (!pending.size) worker?.unref();
  };
  // The worker failed or died: what it was drawing is drawn here instead.
  const fail = () => {
    worker = null;
    for (const p of pending.values()) inThread(p.svg).then(p.resolve, p.reject);
    pending.clear();
  };
  worker.on('message', (reply: PngReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('png' in reply) p.resolve(reply.png);
    else p.reject(new Error(reply.error));
    settle();
  });
  worker.on('error', fail);
  worker.on('exit', fail);
  return {
    threaded: true,
    png(svg) {
      // A worker that failed to start or died: the charts are still drawn, here.
      if (!worker) return inThread(svg);
      const id = next++;
      const w = worker;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { svg, resolve, reject });
        w.ref();
        w.postMessage({ id, svg } satisfies PngRequest);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
