// The charts drawn off the main thread when the bundle has its worker (dist/chart-worker.js): one thread draws the
// SVGs, another rasterises each as soon as it is drawn. Running from src/ (tests, tsx) there is no such file, and
// the same functions run in this thread. A thread that fails hands its jobs to this thread; the threads keep the
// process alive only while they have work.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartJob, ChartReply, ChartRole } from './chart-worker.js';

export interface ChartThreads {
  /** On worker threads (the bundle), not this one. */
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
  call(job: ChartJob, here: () => Promise<string | Uint8Array>): Promise<ChartReply>;
  close(): Promise<void>;
}

function startThread(url: URL, role: ChartRole): Thread {
  let worker: Worker | null = new Worker(url, { workerData: role });
  worker.unref();
  const pending = new Map<
    number,
    { here: () => Promise<string | Uint8Array>; resolve: (r: ChartReply) => void; reject: (e: Error) => void }
  >();
  // The thread failed or stopped: what it was drawing is drawn here instead.
  const fail = () => {
    worker = null;
    for (const [id, p] of pending)
      p.here().then(
        (value) => p.resolve(typeof value === 'string' ? { id, svg: value } : { id, png: value }),
        p.reject,
      );
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
      if (!w)
        return here().then((value) =>
          typeof value === 'string' ? { id: job.id, svg: value } : { id: job.id, png: value },
        );
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

/** Starts the chart threads; each loads and warms up what it draws with right away. */
export function startChartThreads(): ChartThreads {
  const url = new URL('./chart-worker.js', import.meta.url);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) {
    return { threaded: false, svg: svgHere, png: pngHere, close: async () => {} };
  }
  const svgThread = startThread(url, 'svg');
  const pngThread = startThread(url, 'png');
  let next = 0;
  return {
    threaded: true,
    async svg(spec) {
      const reply = await svgThread.call({ id: next++, spec }, () => svgHere(spec));
      if (!('svg' in reply)) throw new Error('the chart thread answered without an SVG');
      return reply.svg;
    },
    async png(svg) {
      const reply = await pngThread.call({ id: next++, svg }, () => pngHere(svg));
      if (!('png' in reply)) throw new Error('the chart thread answered without a PNG');
      return reply.png;
    },
    async close() {
      await Promise.all([svgThread.close(), pngThread.close()]);
    },
  };
}
