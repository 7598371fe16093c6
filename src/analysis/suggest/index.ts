import type { Dockerfile } from '../../dockerfile/parse.js';
import type { History } from '../../model/history.js';
import type { BuildReport, Suggestion } from '../../model/report.js';
import { argPlacement } from './arg-placement.js';
import { cacheMount } from './cache-mount.js';
import { RuleContext } from './context.js';
import { copyOrder } from './copy-order.js';
import { dockerignore } from './dockerignore.js';
import { manifestOrder } from './manifest-order.js';
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

/** Builds a step had to re-run in, per step id. */
function reruns(history: History): Map<string, number> {
  const counts = new Map<string, number>();
  for (const b of history.builds)
    for (const [id, status] of Object.entries(b.steps))
      if (status === 'ran' || status === 'error') counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The steps a suggestion is about: those it keeps cached, and those on its lines (a cache mount's RUN). */
function concerned(s: Suggestion, report: BuildReport): string[] {
  const onLines = report.steps.filter(
    (x) => x.lines && x.lines.start <= s.lines.end && x.lines.end >= s.lines.start && x.status !== 'source',
  );
  return [...new Set([...s.protects, ...onLines.map((x) => x.id)])];
}

/** Notes how often the concerned steps re-ran, and returns the share of builds (this one included) they did. */
function withHistory(s: Suggestion, report: BuildReport, history: History, counts: Map<string, number>): number {
  const ids = concerned(s, report);
  const builds = history.builds.length;
  const reran = Math.max(0, ...ids.map((id) => counts.get(id) ?? 0));
  s.history = { builds, reran };
  if (reran > 0) s.why += ` Its step re-ran in ${reran} of the last ${builds} build(s) of this branch.`;
  const now = ids.some((id) => report.steps.find((x) => x.id === id)?.status === 'ran');
  return (reran + Number(now)) / (builds + 1);
}

/**
 * Every suggestion that applies, ranked: backed by this build's data first, then by the time it
 * saves per build — the time saved here, weighted by how often the protected steps re-ran over the
 * branch's history when there is one — then by that frequency alone (static rules have no time).
 */
export function suggest(report: BuildReport, opts: SuggestOpts): Suggestion[] {
  const ctx = new RuleContext(opts.file, opts.text, opts.dockerfile, report, opts.contextDir);
  const counts = opts.history?.builds.length ? reruns(opts.history) : null;
  const all = RULES.flatMap((rule, order) =>
    rule(ctx).map((s) => ({
      s,
      order,
      rate: counts && opts.history ? withHistory(s, report, opts.history, counts) : 1,
    })),
  );
  all.sort(
    (a, b) =>
      Number(b.s.evidence === 'data') - Number(a.s.evidence === 'data') ||
      (b.s.savedSeconds ?? 0) * b.rate - (a.s.savedSeconds ?? 0) * a.rate ||
      b.rate - a.rate ||
      a.order - b.order ||
      a.s.lines.start - b.s.lines.start,
  );
  return all.map((x) => x.s);
}
