import type { Dockerfile } from '../../dockerfile/parse.js';
import { loadShell, type Shell } from '../../dockerfile/shell.js';
import type { History } from '../../model/history.js';
import type { BuildReport, Step, Suggestion } from '../../model/report.js';
import { stepsById } from '../../model/steps-by-id.js';
import { argPlacement } from './arg-placement.js';
import { cacheMount } from './cache-mount.js';
import { RuleContext } from './context.js';
import { copyOrder } from './copy-order.js';
import { dockerignore } from './dockerignore.js';
import { manifestOrder } from './manifest-order.js';
import { mergeOverlapping } from './merge.js';
import { mergeRuns } from './merge-runs.js';
import { multiStage } from './multi-stage.js';
import { packageLayers } from './package-layers.js';
import { splitRun } from './split-run.js';

/** The rules in the order they are listed when nothing else tells them apart. */
export const RULES = [
  manifestOrder,
  argPlacement,
  copyOrder,
  splitRun,
  dockerignore,
  multiStage,
  cacheMount,
  packageLayers,
  mergeRuns,
];

export interface SuggestOpts {
  file: string;
  text: string;
  dockerfile: Dockerfile;
  contextDir: string | null;
  /** Earlier builds of the branch (the baseline store's history), to rank by how often steps re-run. */
  history?: History | null;
}

/**
 * The builds that can tell how often a step re-runs: a build with nothing cached (a new builder, an
 * evicted cache, the first build of a branch) re-ran every step and says nothing about any of them.
 */
export function rankingBuilds(history: History): History['builds'] {
  return history.builds.filter((b) => Object.values(b.steps).some((status) => status === 'cached'));
}

/** Builds a step had to re-run in, per step id. */
function reruns(builds: History['builds']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of builds)
    for (const [id, status] of Object.entries(b.steps))
      if (status === 'ran' || status === 'error') counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** Steps by their Dockerfile lines: the steps on a suggestion's lines found by halving, not by a scan of all. */
class StepsOnLines {
  private readonly steps: Step[];
  /** The furthest line any step up to this one reaches (a query walks back while it can still overlap). */
  private readonly reach: number[] = [];
  readonly byId: ReadonlyMap<string, Step>;

  constructor(report: BuildReport) {
    this.byId = stepsById(report);
    this.steps = report.steps
      .filter((x) => x.lines && x.status !== 'source')
      .sort((a, b) => a.lines!.start - b.lines!.start);
    let furthest = -Infinity;
    for (const x of this.steps) this.reach.push((furthest = Math.max(furthest, x.lines!.end)));
  }

  /** Ids of the steps whose lines meet `start`..`end`. */
  on(start: number, end: number): string[] {
    let lo = 0;
    let hi = this.steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.steps[mid].lines!.start <= end) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo - 1; i >= 0 && this.reach[i] >= start; i--)
      if (this.steps[i].lines!.end >= start) out.push(this.steps[i].id);
    return out;
  }
}

/** The steps a suggestion is about: those it keeps cached, and those on its lines (a cache mount's RUN). */
function concerned(s: Suggestion, index: StepsOnLines): string[] {
  return [...new Set([...s.protects, ...index.on(s.lines.start, s.lines.end)])];
}

/** Notes how often the concerned steps re-ran, and returns the share of builds (this one included) they did. */
function withHistory(
  s: Suggestion,
  index: StepsOnLines,
  history: History['builds'],
  counts: Map<string, number>,
): number {
  const ids = concerned(s, index);
  const builds = history.length;
  let reran = 0;
  for (const id of ids) reran = Math.max(reran, counts.get(id) ?? 0);
  // The renderers say "re-ran in N of the last M builds of `main`" from this (the branch the store kept).
  const branch = history.at(-1)?.branch;
  s.history = branch ? { builds, reran, branch } : { builds, reran };
  const now = ids.some((id) => index.byId.get(id)?.status === 'ran');
  return (reran + Number(now)) / (builds + 1);
}

/** Below these a suggestion is not worth a reviewer's time: it is not shown. */
export const MIN_GAIN = { seconds: 2, bytes: 1_000_000, layers: 1 } as const;

function worthIt(s: Suggestion): boolean {
  const { kind, value } = s.gain;
  return kind === 'correctness' || (value !== null && value >= MIN_GAIN[kind]);
}

/**
 * Every suggestion that applies and is worth its gain, ranked: backed by this build's data first, then by
 * the time it saves per build — the time saved here, weighted by how often the protected steps re-ran
 * over the branch's history when there is one — then by that frequency alone, then by the estimated gain.
 */
export async function suggest(report: BuildReport, opts: SuggestOpts): Promise<Suggestion[]> {
  return suggestWith(await loadShell(), report, opts);
}

/** `suggest` with the shell parser already loaded. */
export function suggestWith(shell: Shell, report: BuildReport, opts: SuggestOpts): Suggestion[] {
  const ctx = new RuleContext(
    opts.file,
    opts.text,
    opts.dockerfile,
    report,
    opts.contextDir,
    shell,
    opts.history ?? null,
  );
  const history = opts.history ? rankingBuilds(opts.history) : [];
  const counts = history.length ? reruns(history) : null;
  const index = counts ? new StepsOnLines(report) : null;
  const all = RULES.flatMap((rule, order) =>
    rule(ctx)
      .filter(worthIt)
      .map((s) => ({
        s: ctx.withDiff(s),
        order,
        rate: counts && index ? withHistory(s, index, history, counts) : 1,
      })),
  );
  const estimate = (s: Suggestion) => (s.gain.kind === 'seconds' ? (s.gain.value ?? 0) : 0);
  all.sort(
    (a, b) =>
      Number(b.s.evidence === 'data') - Number(a.s.evidence === 'data') ||
      (b.s.savedSeconds ?? 0) * b.rate - (a.s.savedSeconds ?? 0) * a.rate ||
      b.rate - a.rate ||
      estimate(b.s) - estimate(a.s) ||
      a.order - b.order ||
      a.s.lines.start - b.s.lines.start,
  );
  return mergeOverlapping(
    all.map((x) => x.s),
    opts.text,
  );
}
