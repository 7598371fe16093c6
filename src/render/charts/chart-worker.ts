// A chart-drawing thread (bundled as dist/chart-worker.js, started by chart-threads.ts). As 'svg' it draws
// Vega-Lite specs: vega's modules load and its code warms up here, not on the main thread, which meanwhile only
// waits on docker. As 'png' it rasterises SVGs: resvg's WebAssembly and the fonts load here. Both warm up as they
// start (while docker measures the image) by drawing a small chart, and take their jobs one at a time, in order.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';

export type ChartRole = 'svg' | 'png';
export type ChartJob = { id: number; spec: TopLevelSpec } | { id: number; svg: string };
export type ChartReply = { id: number; svg: string } | { id: number; png: Uint8Array } | { id: number; error: string };

/**
 * This thread yields to the rest of the machine (Linux: a thread has a nice value of its own): it warms up while
 * docker measures the image, and that docker work, which the answer waits for, must not wait for it.
 */
function yieldToOthers(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: at the usual priority.
  }
}

const port = parentPort;
if (port) {
  const role = workerData as ChartRole;
  yieldToOthers();
  // Warming up: a failure shows again on the first job.
  let queue: Promise<unknown> =
    role === 'svg'
      ? import('./index.js').then((m) => m.warmUpSvg()).catch(() => {})
      : import('./png.js').then((m) => m.warmUpPng()).catch(() => {});
  const run = async (job: ChartJob): Promise<ChartReply> => {
    if ('spec' in job) return { id: job.id, svg: await (await import('./index.js')).specToSvg(job.spec) };
    const bytes = await (await import('./png.js')).svgToPng(job.svg);
    return { id: job.id, png: new Uint8Array(bytes) }; // its own buffer, handed over whole
  };
  port.on('message', (job: ChartJob) => {
    // One after another: vega's SVG ids count up per thread, and each chart starts them afresh.
    queue = queue.then(() =>
      run(job).then(
        (reply) => port.postMessage(reply, 'png' in reply ? [reply.png.buffer as ArrayBuffer] : []),
        (err: unknown) => port.postMessage({ id: job.id, error: (err as Error).message } satisfies ChartReply),
      ),
    );
  });
}
