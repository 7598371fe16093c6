import type { Dockerfile } from '../../dockerfile/parse.js';
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
}

/** Every suggestion that applies, ranked: backed by this build's data first, then by time saved. */
export function suggest(report: BuildReport, opts: SuggestOpts): Suggestion[] {
  const ctx = new RuleContext(opts.file, opts.text, opts.dockerfile, report, opts.contextDir);
  const all = RULES.flatMap((rule, order) => rule(ctx).map((s) => ({ s, order })));
  all.sort(
    (a, b) =>
      Number(b.s.evidence === 'data') - Number(a.s.evidence === 'data') ||
      (b.s.savedSeconds ?? 0) - (a.s.savedSeconds ?? 0) ||
      a.order - b.order ||
      a.s.lines.start - b.s.lines.start,
  );
  return all.map((x) => x.s);
}
