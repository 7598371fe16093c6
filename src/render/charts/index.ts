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
 * The charts the report has data for, in order: `stage-time`, `cache`, `stage-size` (only when sizes were
 * measured), `waterfall` (only when steps have start and end times). Same report, same bytes.
 */
export async function renderCharts(report: BuildReport): Promise<Chart[]> {
  const charts: Chart[] = [];
  // One after another: the id counters are shared.
  for (const c of chartSpecs(report)) charts.push({ id: c.id, title: c.title, svg: await specToSvg(c.spec) });
  return charts;
}
