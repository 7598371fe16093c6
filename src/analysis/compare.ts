import type { BuildReport, Comparison, StageSummary, Step, StepChange, Thresholds } from '../model/report.js';
import { DEFAULT_THRESHOLDS, grew } from './thresholds.js';

/**
 * Pairs the baseline's steps with this build's: same id and text first; then the same text in the
 * same stage (a step inserted above shifts indices, not identity); then the same id (the
 * instruction changed). What is left was added or removed.
 */
export function matchSteps(base: Step[], now: Step[]): Map<Step, Step> {
  const pairs = new Map<Step, Step>();
  const taken = new Set<Step>();
  /** One pass: each step takes the first free baseline step with the same key, in baseline order. */
  const pass = (key: (s: Step) => string) => {
    const queues = new Map<string, { steps: Step[]; next: number }>();
    for (const b of base) {
      if (taken.has(b)) continue;
      const k = key(b);
      const q = queues.get(k);
      if (q) q.steps.push(b);
      else queues.set(k, { steps: [b], next: 0 });
    }
    for (const s of now) {
      if (pairs.has(s)) continue;
      const q = queues.get(key(s));
      if (!q || q.next >= q.steps.length) continue;
      const b = q.steps[q.next++];
      pairs.set(s, b);
      taken.add(b);
    }
  };
  // JSON.stringify keeps two fields apart whatever they hold.
  pass((s) => JSON.stringify([s.id, s.text]));
  pass((s) => JSON.stringify([s.stageKey, s.text]));
  pass((s) => s.id);
  return pairs;
}

/**
 * The re-run time a step stands for: its own, or — for a step that re-ran because of a root cause —
 * that root cause's cost (its own time plus everything it set off), whichever is more. A 0.0 s COPY
 * that lost its cache is a regression when what it set off costs more than the threshold.
 */
function rerunCost(step: Step, causeCost: Map<string, number>): number {
  const roots = step.miss ? (step.miss.role === 'root' ? [step.id] : step.miss.roots) : [];
  let cost = step.seconds ?? 0;
  for (const r of roots) cost = Math.max(cost, causeCost.get(r) ?? 0); // a loop: a merge of many stages has many roots
  return cost;
}

function stepChange(now: Step, then: Step, t: Thresholds, causeCost: Map<string, number>): StepChange {
  const regressions: StepChange['regressions'] = [];
  if (
    then.status === 'cached' &&
    (now.status === 'ran' || now.status === 'error') &&
    grew(0, rerunCost(now, causeCost), t.timePercent, t.minSeconds)
  )
    regressions.push('lost-cache');
  if (grew(then.seconds, now.seconds, t.timePercent, t.minSeconds)) regressions.push('slower');
  if (grew(then.sizeBytes, now.sizeBytes, t.sizePercent, t.minBytes)) regressions.push('bigger');
  if (now.status === 'error' && then.status !== 'error') regressions.push('new-error');
  return {
    id: now.id,
    baselineId: then.id,
    text: now.text,
    status: { from: then.status, to: now.status },
    seconds: { from: then.seconds, to: now.seconds },
    sizeBytes: { from: then.sizeBytes, to: now.sizeBytes },
    lines: { from: then.lines?.start ?? null, to: now.lines?.start ?? null },
    regressions,
  };
}

function stageChange(now: StageSummary, then: StageSummary | undefined, t: Thresholds): Comparison['stages'][number] {
  const from = then?.seconds ?? 0;
  const regressions: ('slower' | 'bigger')[] = [];
  if (then && grew(then.seconds, now.seconds, t.timePercent, t.minSeconds)) regressions.push('slower');
  if (then && grew(then.sizeBytes, now.sizeBytes, t.sizePercent, t.minBytes)) regressions.push('bigger');
  return {
    key: now.key,
    seconds: { from, to: now.seconds },
    sizeBytes: { from: then?.sizeBytes ?? null, to: now.sizeBytes },
    regressions,
  };
}

/** What got worse (and what changed) from the baseline to this build. */
export function compareReports(
  now: BuildReport,
  baseline: BuildReport,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Comparison {
  const pairs = matchSteps(baseline.steps, now.steps);
  const matchedBase = new Set(pairs.values());
  const causeCost = new Map((now.analysis?.rootCauses ?? []).map((c) => [c.stepId, c.seconds]));
  const steps = now.steps.filter((s) => pairs.has(s)).map((s) => stepChange(s, pairs.get(s)!, thresholds, causeCost));
  const baseStages = new Map<string, StageSummary>();
  for (const b of baseline.stages) if (!baseStages.has(b.key)) baseStages.set(b.key, b);
  const stages = now.stages.map((s) => stageChange(s, baseStages.get(s.key), thresholds));
  const imageFrom = baseline.sizes?.image?.sizeBytes ?? null;
  const imageTo = now.sizes?.image?.sizeBytes ?? null;
  const image = {
    sizeBytes: { from: imageFrom, to: imageTo },
    bigger: grew(imageFrom, imageTo, thresholds.sizePercent, thresholds.minBytes),
  };
  const oldErrors = new Set(baseline.errors);
  const oldWarnings = new Set(baseline.warnings.map((w) => w.message));
  const newErrors = now.errors.filter((e) => !oldErrors.has(e));
  const newWarnings = [...new Set(now.warnings.map((w) => w.message))].filter((w) => !oldWarnings.has(w));
  const regressions =
    steps.reduce((n, s) => n + s.regressions.length, 0) +
    stages.reduce((n, s) => n + s.regressions.length, 0) +
    (image.bigger ? 1 : 0) +
    newErrors.length +
    newWarnings.length;
  return {
    baseline: { generatedAt: baseline.generatedAt, file: baseline.source.file, commit: null },
    thresholds,
    steps,
    added: now.steps.filter((s) => !pairs.has(s)).map((s) => s.id),
    removed: baseline.steps.filter((s) => !matchedBase.has(s)).map((s) => ({ id: s.id, text: s.text })),
    stages,
    image,
    newErrors,
    newWarnings,
    regressions,
  };
}
