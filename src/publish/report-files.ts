// The files a report is published as (the workflow artifact, the CLI's --out folder): the JSON
// report, the markdown, the HTML report, the charts as SVG and PNG, and the raw progress log.
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildReport } from '../model/report.js';
import type { Chart } from '../render/charts/types.js';
import { renderHtml } from '../render/html.js';
import { renderMarkdown } from '../render/markdown.js';
import { writeJsonFile } from '../util/json-stream.js';
import { startChartThreads, type ChartThreads } from '../render/charts/chart-threads.js';
import { chartSpecs } from '../render/charts/specs.js';

/** Started by prepareCharts (the action, at the start of the analysis); used and closed by the next drawing. */
let threads: ChartThreads | null = null;

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
 * Starts the chart threads ahead of use (in the bundle: the SVGs are drawn on this thread, the PNGs on a worker),
 * which load and warm up vega, resvg's WebAssembly and the fonts while the action waits on docker. A failure there is
 * left for drawing the charts to report.
 */
export function prepareCharts(): void {
  threads ??= startChartThreads();
}

async function drawCharts(report: BuildReport, dir: string, files: string[]): Promise<Chart[]> {
  const drawing = threads ?? startChartThreads();
  threads = null;
  try {
    // Every SVG asked for at once; each PNG as soon as its SVG is drawn (on the worker thread in the bundle).
    const jobs = chartSpecs(report).map((c) => {
      const svg = drawing.svg(c.spec);
      const png = svg.then((text) => drawing.png(text));
      // Awaited below, in order; a failure there leaves the later ones unawaited: not unhandled rejections.
      svg.catch(() => {});
      png.catch(() => {});
      return { id: c.id, title: c.title, svg, png };
    });
    await mkdir(join(dir, 'charts'), { recursive: true });
    const charts: Chart[] = [];
    for (const job of jobs) {
      const chart = { id: job.id, title: job.title, svg: await job.svg };
      const base = join(dir, 'charts', chart.id);
      await writeFile(`${base}.svg`, chart.svg);
      await writeFile(`${base}.png`, await job.png);
      files.push(`${base}.svg`, `${base}.png`);
      charts.push(chart);
    }
    return charts;
  } finally {
    await drawing.close();
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
