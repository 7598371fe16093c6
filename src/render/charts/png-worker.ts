// The PNG rasteriser on a thread of its own (bundled as dist/png-worker.js, started by png-pool.ts): resvg's
// WebAssembly and the fonts load while the build runs, and each chart is rasterised while the main thread draws
// the next one's SVG.
import { parentPort } from 'node:worker_threads';
import { preparePng, svgToPng } from './png.js';

export interface PngRequest {
  id: number;
  svg: string;
}

export type PngReply = { id: number; png: Uint8Array } | { id: number; error: string };

const port = parentPort;
if (port) {
  // A failure here shows again on the first chart.
  preparePng().catch(() => {});
  port.on('message', ({ id, svg }: PngRequest) => {
    svgToPng(svg).then(
      (bytes) => {
        const png = new Uint8Array(bytes); // its own buffer, handed over whole
        port.postMessage({ id, png } satisfies PngReply, [png.buffer]);
      },
      (err: unknown) => port.postMessage({ id, error: (err as Error).message } satisfies PngReply),
    );
  });
}
