// The chart thread (bundled as dist/chart-worker.js, started by chart-threads.ts): it rasterises the charts' SVGs
// to PNG while the main thread draws the next SVG. resvg's WebAssembly and the fonts load here as it starts (while
// docker measures the image), and a small chart is rendered once so that the first real one runs warm code. It
// takes its jobs one at a time, in order.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';

export interface ChartJob {
  id: number;
  svg: string;
}
export type ChartReply = { id: number; png: Uint8Array } | { id: number; error: string };

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
  yieldToOthers();
  // Warming up: a failure shows again on the first job.
  let queue: Promise<unknown> = import('./png.js').then((m) => m.warmUpPng()).catch(() => {});
  const run = async (job: ChartJob): Promise<ChartReply> => {
    const bytes = await (await import('./png.js')).svgToPng(job.svg);
    return { id: job.id, png: new Uint8Array(bytes) }; // its own buffer, handed over whole
  };
  port.on('message', (job: ChartJob) => {
    queue = queue.then(() =>
      run(job).then(
        (reply) => port.postMessage(reply, 'png' in reply ? [reply.png.buffer as ArrayBuffer] : []),
        (err: unknown) => port.postMessage({ id: job.id, error: (err as Error).message } satisfies ChartReply),
      ),
    );
  });
}
