// The files a report is published as (the workflow artifact, the CLI's --out folder): the JSON
// report, the markdown, the HTML report, the charts as SVG and PNG, and the raw progress log.
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildReport } from '../model/report.js';
import type { Chart } from '../render/charts/types.js';
import { renderHtml } from '../render/html.js';
import { renderMarkdown } from '../render/markdown.js';
import { writeJsonFile } from '../util/json-stream.js';
import { startRasterizer, type Rasterizer } from '../render/charts/png-pool.js';

/** Started by prepareCharts (the action, at the start of the analysis); used and closed by the next drawing. */
let rasterizer: Rasterizer | null = null;

/** A bigger log would make the artifact slow to upload and to open; the report holds what matters. */
export const MAX_PROGRESS_BYTES = 100 * 2 ** 20;

export interface ReportFilesOpts {
  /** The saved (already redacted) progress log, copied as `progress.log`. */
  progressFile?: string | null;
  /** Draw the charts (vega + resvg, loaded only when asked). */
  charts: boolean;
}

export interface ReportFiles {
  dir: string;
  /** Every file written, absolute paths. */
  files: string[];
  html: string;
  /** What could not be written, with why; the other files are still there. */
  warnings: string[];
}

/**
 * Loads the chart renderers ahead of use: the PNG rasteriser (resvg's WebAssembly and the fonts, on a thread of
 * its own in the bundle), vega's modules, and one tiny chart drawn so that vega's code is warm. The action starts
 * it as the analysis begins, whose waits on docker it then fills; a failure here is left for drawing to report.
 */
export async function prepareCharts(): Promise<void> {
  rasterizer ??= startRasterizer();
  const { specToSvg } = await import('../render/charts/index.js');
  await specToSvg({ data: { values: [{ x: 1 }] }, mark: 'bar', encoding: { x: { field: 'x', type: 'quantitative' } } });
}

async function drawCharts(report: BuildReport, dir: string, files: string[]): Promise<Chart[]> {
  // Loaded lazily: the chart libraries and the wasm renderer are most of dist/ and most of the start-up.
  const { renderCharts } = await import('../render/charts/index.js');
  const raster = rasterizer ?? startRasterizer();
  rasterizer = null;
  try {
    // Each chart is rasterised (on the worker) while the next one's SVG is drawn.
    const pngs: Promise<Uint8Array>[] = [];
    const charts = await renderCharts(report, (c) => {
      const png = raster.png(c.svg);
      png.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
      pngs.push(png);
    });
    await mkdir(join(dir, 'charts'), { recursive: true });
    for (const [i, c] of charts.entries()) {
      const base = join(dir, 'charts', c.id);
      await writeFile(`${base}.svg`, c.svg);
      await writeFile(`${base}.png`, await pngs[i]);
      files.push(`${base}.svg`, `${base}.png`);
    }
    return charts;
  } finally {
    await raster.close();
  }
}

export async function writeReportFiles(report: BuildReport, dir: string, opts: ReportFilesOpts): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    files.push(path);
    return path;
  };
  // In pieces: the JSON of a very large build is longer than a string can be.
  await writeJsonFile(join(dir, 'report.json'), report);
  files.push(join(dir, 'report.json'));
  await write('report.md', renderMarkdown(report));
  let charts: Chart[] = [];
  if (opts.charts) {
    try {
      charts = await drawCharts(report, dir, files);
    } catch (err) {
      warnings.push(`the charts could not be drawn: ${(err as Error).message}`);
    }
  }
  const html = await write('report.html', renderHtml(report, charts));
  if (opts.progressFile) {
    const path = join(dir, 'progress.log');
    try {
      const { size } = await stat(opts.progressFile);
      if (size > MAX_PROGRESS_BYTES) {
        warnings.push(
          `the progress log (${Math.round(size / 2 ** 20)} MiB) is left out of the report files; it stays at ${opts.progressFile}`,
        );
      } else {
        await copyFile(opts.progressFile, path);
        files.push(path);
      }
    } catch (err) {
      warnings.push(`the progress log could not be copied: ${(err as Error).message}`);
    }
  }
  return { dir, files, html, warnings };
}
