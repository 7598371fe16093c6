// The four charts as Vega-Lite specs, built from the report alone (no vega here: pure and fast).
// Every text that comes from the log passes through `label()`; vega escapes what reaches the SVG,
// this keeps out what XML cannot hold at all (control characters, lone surrogates).
import type { TopLevelSpec } from 'vega-lite';
import { STEP_STATUSES, type BuildReport, type Step, type StepStatus } from '../../model/report.js';
import { bytes, percent, seconds } from '../format.js';
import { FONT_FAMILY } from './assets.js';
import type { Chart } from './types.js';

/** A chart before rendering: its id, title and the spec that draws it. */
export interface ChartSpec {
  id: Chart['id'];
  title: string;
  spec: TopLevelSpec;
}

/** Stages drawn in the per-stage charts; the rest is named in the title. */
export const MAX_STAGES = 40;
/** Steps drawn in the waterfall: the longest ones. */
export const MAX_STEPS = 200;
const WIDTH = 560;
const LABEL_CHARS = 48;

export const STATUS_COLORS: Record<StepStatus, string> = {
  cached: '#59a14f',
  ran: '#f28e2b',
  error: '#e15759',
  canceled: '#9d9d9d',
  source: '#76a0c8',
  unfinished: '#b07aa1',
};

const BAR_COLOR = '#4c78a8';
const BASELINE_COLOR = '#222222';

/**
 * Log text made safe for a chart label: one line, no control characters, no lone surrogates and no
 * XML non-characters (vega escapes markup, but these would make the SVG invalid), cut to `max`.
 */
export function label(text: string, max = LABEL_CHARS): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]+/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : clean;
}

/** Labels made unique (a band scale merges equal values): a repeated one gets ` (2)`, ` (3)`... */
function unique(labels: string[]): string[] {
  const seen = new Set<string>();
  return labels.map((l) => {
    let out = l;
    for (let n = 2; seen.has(out); n++) out = `${l} (${n})`;
    seen.add(out);
    return out;
  });
}

function config() {
  return {
    font: FONT_FAMILY,
    background: 'white',
    padding: 12,
    view: { stroke: null },
    title: { fontSize: 14, anchor: 'start' as const, subtitleFontSize: 11, subtitleColor: '#555555', offset: 12 },
    axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320, titlePadding: 8 },
    legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' as const, direction: 'horizontal' as const },
  };
}

function titleOf(text: string, notes: string[]) {
  return notes.length ? { text, subtitle: notes } : { text };
}

function chartStages(report: BuildReport) {
  const all = report.stages.filter((s) => s.key !== '(external)');
  return { shown: all.slice(0, MAX_STAGES), total: all.length };
}

/** A quantitative scale from 0; one of [0, 1] when every value is 0 (vega would centre a lone 0). */
function fromZero(values: number[]) {
  return values.some((v) => v > 0) ? { zero: true } : { domain: [0, 1] };
}

function cutNote(shown: number, total: number, what: string): string {
  return shown < total ? ` (first ${shown} of ${total} ${what})` : '';
}

/** Build time per stage, bars; the baseline's as ticks when there is one. */
export function stageTimeSpec(report: BuildReport): ChartSpec | null {
  const { shown, total } = chartStages(report);
  if (!shown.length) return null;
  const labels = unique(shown.map((s) => label(s.key)));
  const baseline = report.comparison ? new Map(report.comparison.stages.map((c) => [c.key, c.seconds.from])) : null;
  const title = `Time per stage${baseline ? ', against the baseline' : ''}${cutNote(shown.length, total, 'stages')}`;
  const values = shown.flatMap((s, i) => {
    const rows = [{ stage: labels[i], series: 'this build', seconds: s.seconds, text: seconds(s.seconds) }];
    const before = baseline?.get(s.key);
    if (before !== undefined)
      rows.push({ stage: labels[i], series: 'baseline', seconds: before, text: seconds(before) });
    return rows;
  });
  const y = { field: 'stage', type: 'nominal' as const, sort: labels, title: 'stage' };
  const x = {
    field: 'seconds',
    type: 'quantitative' as const,
    title: 'seconds (sum of the stage’s step times)',
    scale: fromZero(values.map((v) => v.seconds)),
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: ['this build', 'baseline'], range: [BAR_COLOR, BASELINE_COLOR] },
    legend: { symbolType: 'square', symbolOpacity: 1 },
  };
  const notes = baseline ? ['Bars: this build; ticks: the baseline. Stages new in this build have no tick.'] : [];
  const spec: TopLevelSpec = {
    title: titleOf(title, notes),
    config: config(),
    width: WIDTH,
    height: { step: 24 },
    data: { values },
    encoding: { y, x },
    layer: baseline
      ? [
          { transform: [{ filter: "datum.series === 'this build'" }], mark: { type: 'bar' }, encoding: { color } },
          {
            transform: [{ filter: "datum.series === 'baseline'" }],
            mark: { type: 'tick', thickness: 3, bandSize: 20, opacity: 1 },
            encoding: { color },
          },
        ]
      : [
          { mark: { type: 'bar', color: BAR_COLOR } },
          { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { text: { field: 'text' } } },
        ],
  };
  return { id: 'stage-time', title, spec };
}

/** Cached and re-run steps per stage, stacked counts by status. */
export function cacheSpec(report: BuildReport): ChartSpec | null {
  const { shown, total } = chartStages(report);
  if (!shown.length) return null;
  const labels = unique(shown.map((s) => label(s.key)));
  const values = shown.flatMap((s, i) =>
    STEP_STATUSES.filter((st) => s.counts[st] > 0).map((st) => ({
      stage: labels[i],
      status: st,
      steps: s.counts[st],
      order: STEP_STATUSES.indexOf(st),
    })),
  );
  const present = STEP_STATUSES.filter((st) => values.some((v) => v.status === st));
  if (!present.length) return null;
  const title = `Cached and re-run steps per stage${cutNote(shown.length, total, 'stages')}`;
  const ratio = report.totals.cachedRatio;
  const notes =
    ratio === null
      ? []
      : [`Cache hits: ${percent(ratio)} of the steps that could be cached (sources are not counted).`];
  const spec: TopLevelSpec = {
    title: titleOf(title, notes),
    config: config(),
    width: WIDTH,
    height: { step: 24 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'stage', type: 'nominal', sort: labels, title: 'stage' },
      x: {
        field: 'steps',
        type: 'quantitative',
        stack: 'zero',
        title: 'steps',
        axis: { format: 'd', tickMinStep: 1 },
      },
      color: {
        field: 'status',
        type: 'nominal',
        title: 'status',
        scale: { domain: present, range: present.map((st) => STATUS_COLORS[st]) },
      },
      order: { field: 'order', type: 'quantitative' },
    },
  };
  return { id: 'cache', title, spec };
}

/** What each stage's own instructions add to the image; null when no size was measured. */
export function stageSizeSpec(report: BuildReport): ChartSpec | null {
  const sizes = report.sizes;
  if (!sizes) return null;
  const stages = sizes.stages.filter((s) => s.addedBytes !== null).slice(0, MAX_STAGES);
  if (!stages.length) return null;
  const counted = sizes.stages.filter((s) => s.addedBytes !== null).length;
  const labels = unique(stages.map((s) => label(s.key)));
  const values = stages.map((s, i) => ({
    stage: labels[i],
    added: s.addedBytes!,
    text: `${bytes(s.addedBytes)} (image ${bytes(s.totalBytes)})`,
  }));
  const title = `Image size each stage adds${cutNote(stages.length, counted, 'stages')}`;
  const unknown = [
    ...sizes.stages.filter((s) => s.addedBytes === null).map((s) => s.key),
    ...sizes.notMeasured.map((n) => n.stage),
  ];
  const notes = unknown.length
    ? [label(`Not measured: ${unknown.join(', ')}.`, 120)]
    : sizes.image
      ? [`Final image: ${bytes(sizes.image.sizeBytes)}.`]
      : [];
  const spec: TopLevelSpec = {
    title: titleOf(title, notes),
    config: config(),
    width: WIDTH,
    height: { step: 24 },
    data: { values },
    encoding: {
      y: { field: 'stage', type: 'nominal', sort: labels, title: 'stage' },
      x: {
        field: 'added',
        type: 'quantitative',
        title: 'bytes added by the stage’s instructions',
        axis: { labelExpr: "datum.value === 0 ? '0' : format(datum.value, '~s') + 'B'", tickMinStep: 1 },
        scale: fromZero(values.map((v) => v.added)),
      },
    },
    layer: [
      { mark: { type: 'bar', color: BAR_COLOR } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { text: { field: 'text' } } },
    ],
  };
  return { id: 'stage-size', title, spec };
}

function stepLabel(step: Step): string {
  const where = step.index === null ? step.stageKey : `${step.stageKey} ${step.index}/${step.count ?? '?'}`;
  return label(`${where} ${step.text || step.name}`);
}

/** The steps over time, one row each, from its start to its end relative to the build's start. */
export function waterfallSpec(report: BuildReport): ChartSpec | null {
  const timed = report.steps.filter(
    (s): s is Step & { started: number; completed: number } => s.started !== null && s.completed !== null,
  );
  if (!timed.length) return null;
  const start = timed.reduce((min, s) => Math.min(min, s.started), Infinity);
  const duration = (s: (typeof timed)[number]) => Math.max(0, s.completed - s.started);
  const byStart = (a: (typeof timed)[number], b: (typeof timed)[number]) =>
    a.started - b.started || a.completed - b.completed || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const kept =
    timed.length > MAX_STEPS
      ? [...timed]
          .sort((a, b) => duration(b) - duration(a) || byStart(a, b))
          .slice(0, MAX_STEPS)
          .sort(byStart)
      : [...timed].sort(byStart);
  const labels = unique(kept.map(stepLabel));
  const values = kept.map((s, i) => ({
    step: labels[i],
    status: s.status,
    start: (s.started - start) / 1000,
    end: (Math.max(s.completed, s.started) - start) / 1000,
  }));
  const title = `Steps over time${kept.length < timed.length ? ` (the ${kept.length} longest of ${timed.length} steps)` : ''}`;
  const untimed = report.steps.length - timed.length;
  const notes = untimed ? [`${untimed} step(s) without start and end times left out.`] : [];
  const present = STEP_STATUSES.filter((st) => kept.some((s) => s.status === st));
  const scale = { domain: present, range: present.map((st) => STATUS_COLORS[st]) };
  const spec: TopLevelSpec = {
    title: titleOf(title, notes),
    config: config(),
    width: WIDTH,
    height: { step: 16 },
    data: { values },
    // A cached step takes no time: its outline keeps it visible as a thin line.
    mark: { type: 'bar', strokeWidth: 1, stroke: { expr: "scale('color', datum.status)" } },
    encoding: {
      y: { field: 'step', type: 'nominal', sort: labels, title: null, axis: { labelFontSize: 10 } },
      x: {
        field: 'start',
        type: 'quantitative',
        title: 'seconds since the build started',
        scale: fromZero(values.map((v) => v.end)),
      },
      x2: { field: 'end' },
      color: { field: 'status', type: 'nominal', title: 'status', scale },
    },
  };
  return { id: 'waterfall', title, spec };
}

/** The specs of the charts this report has data for, in display order. */
export function chartSpecs(report: BuildReport): ChartSpec[] {
  return [stageTimeSpec(report), cacheSpec(report), stageSizeSpec(report), waterfallSpec(report)].filter(
    (c): c is ChartSpec => c !== null,
  );
}
