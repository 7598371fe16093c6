// The charts drawn on two threads: the SVGs here (vega's modules load and warm up on this thread while it only waits
// on docker for the sizes), the PNGs on a thread of their own (dist/chart-worker.js), each as soon as its SVG is
// drawn. Drawing the SVGs on a second thread too measured slower: one more thread to start (about 100 ms of CPU
// on a 2-core machine already busy with docker). Running from src/ (tests, tsx) there is no worker file, and the
// PNGs are drawn here as well. A failed thread hands its jobs back to this one; the thread keeps the process alive
// only while it has work.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartJob, ChartReply } from './chart-worker.js';

export interface ChartThreads {
  /** The PNGs on a worker thread (the bundle), not this one. */
  readonly threaded: boolean;
  svg(spec: TopLevelSpec): Promise<string>;
  png(svg: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

// In this thread, one job at a time too: vega's SVG ids are shared by the charts of a thread.
let local: Promise<unknown> = Promise.resolve();
function inThread<T>(job: () => Promise<T>): Promise<T> {
  const done = local.then(job);
  local = done.catch(() => {});
  return done;
}
const svgHere = (spec: TopLevelSpec) => inThread(async () => (await import('./index.js')).specToSvg(spec));
const pngHere = (svg: string) => inThread(async () => (await import('./png.js')).svgToPng(svg));

interface Thread {
  call(job: ChartJob, here: () => Promise<Uint8Array>): Promise<ChartReply>;
  close(): Promise<void>;
}

function startThread(url: URL): Thread {
  let worker: Worker | null = new Worker(url);
  worker.unref();
  const pending = new Map<
    number,
    { here: () => Promise<Uint8Array>; resolve: (r: ChartReply) => void; reject: (e: Error) => void }
  >();
  // The thread failed or stopped: what it was drawing is drawn here instead.
  const fail = () => {
    worker = null;
    for (const [id, p] of pending) p.here().then((png) => p.resolve({ id, png }), p.reject);
    pending.clear();
  };
  worker.on('message', (reply: ChartReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve(reply);
    if (!pending.size) worker?.unref();
  });
  worker.on('error', fail);
  worker.on('exit', fail);
  return {
    call(job, here) {
      const w = worker;
      if (!w) return here().then((png) => ({ id: job.id, png }));
      return new Promise((resolve, reject) => {
        pending.set(job.id, { here, resolve, reject });
        w.ref();
        w.postMessage(job);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      // Not waited for (it took tens of milliseconds): an idle thread keeps nothing alive.
      w?.terminate().catch(() => {});
    },
  };
}

/** Starts the PNG thread, and loads and warms up vega in this one; both right away. */
export function startChartThreads(): ChartThreads {
  // Warming up: a failure shows again on the first chart.
  void inThread(async () => (await import('./index.js')).warmUpSvg()).catch(() => {});
  const url = new URL('./chart-worker.js', import.meta.url);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) {
    return { threaded: false, svg: svgHere, png: pngHere, close: async () => {} };
  }
  const pngThread = startThread(url);
  let next = 0;
  return {
    threaded: true,
    svg: svgHere,
    async png(svg) {
      const reply = await pngThread.call({ id: next++, svg }, () => pngHere(svg));
      if (!('png' in reply)) throw new Error('the chart thread answered without a PNG');
      return reply.png;
    },
    close: () => pngThread.close(),
  };
}
