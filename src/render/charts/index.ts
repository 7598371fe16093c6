// The report's charts as standalone SVG: Vega-Lite specs (specs.ts) compiled and rendered by vega
// headless (renderer 'none', no canvas). Loaded lazily (`await import(...)`): vega is big, and the
// action must start fast.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BuildReport } from '../../model/report.js';
import { chartSpecs } from './specs.js';
import type { Chart } from './types.js';

export type { Chart } from './types.js';

interface TextMetrics {
  canvas(use: boolean): void;
}

let configured = false;

function configure(): void {
  if (configured) return;
  // Text widths by estimate, never by a canvas that may or may not be installed: the same report
  // must give the same SVG everywhere.
  (vega as unknown as { textMetrics: TextMetrics }).textMetrics.canvas(false);
  configured = true;
}

/** One Vega-Lite spec as an SVG document. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  configure();
  const { spec: vgSpec } = compile(spec, { logger: vega.logger(vega.None) });
  // Clip and gradient ids count up per process: start each chart from the same ids.
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A chart small enough to draw in no time, with what the real ones have (a title, a band axis, a legend, stacked
 * bars), drawn once so that vega's code is warm for them.
 */
export const WARM_UP_SPEC: TopLevelSpec = {
  title: 'warm-up',
  width: 100,
  data: {
    values: [
      { y: 'a', x: 1, c: 'p' },
      { y: 'b', x: 2, c: 'q' },
    ],
  },
  mark: 'bar',
  encoding: {
    y: { field: 'y', type: 'nominal' },
    x: { field: 'x', type: 'quantitative', stack: 'zero' },
    color: { field: 'c', type: 'nominal' },
  },
};

/** Draws WARM_UP_SPEC: vega's modules loaded and its code run once before the real charts (chart-threads.ts). */
export async function warmUpSvg(): Promise<void> {
  await specToSvg(WARM_UP_SPEC);
}

/**
 * The charts the report has data for, in order: `stage-time`, `cache`, `stage-size` (only when sizes were
 * measured), `waterfall` (only when steps have start and end times). Same report, same bytes.
 */
export async function renderCharts(report: BuildReport): Promise<Chart[]> {
  const charts: Chart[] = [];
  // One after another: the id counters are shared.
  for (const c of chartSpecs(report)) charts.push({ id: c.id, title: c.title, svg: await specToSvg(c.spec) });
  return charts;
}
