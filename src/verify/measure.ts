// Pure: what re-ran in a build, which of the real build's re-run steps the edit kept cached, and
// the verdict on an edit.
import type { StepGraph } from '../analysis/graph.js';
import type { BuildReport, Step, VerificationStatus } from '../model/report.js';

/**
 * Below this a saving is no gain: a RUN that does nothing still costs ~0.6 s of container start here (more on a
 * busy machine: `startSeconds`, the cheapest RUN that re-ran in the real build, measures it), and steps that re-run
 * in both builds vary by tenths of a second, more in longer builds. One RUN fewer saves one start-up, no more.
 */
export function minGain(baseRerunSeconds: number, startSeconds = 0): number {
  return Math.max(1, 0.05 * baseRerunSeconds, 1.5 * startSeconds);
}

/** What a RUN that does nothing costs in this build: the cheapest RUN that re-ran (0 when none did). */
export function runStartSeconds(report: BuildReport): number {
  const runs = report.steps.filter((s) => reran(s) && s.instruction === 'RUN' && s.seconds !== null);
  return runs.length ? Math.min(...runs.map((s) => s.seconds!)) : 0;
}

function reran(s: Step): boolean {
  return s.status === 'ran' || s.status === 'error';
}

/** Seconds of the steps that re-ran (sources and cached steps cost nothing), to 0.1 s. */
export function rerunSeconds(report: BuildReport): number {
  return round(report.steps.filter(reran).reduce((n, s) => n + (s.seconds ?? 0), 0));
}

export function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Cached steps of a build that build on a step that re-ran in it. BuildKit keys a COPY (--from) by the
 * content it copies, so such a step can hit a cache entry the real build just left (same output): a
 * hit the next pull request would not get. They are counted as re-run, never as kept cached.
 */
export function cachedAfterRerun(report: BuildReport, graph: StepGraph): Set<string> {
  const status = new Map(report.steps.map((s) => [s.id, s.status]));
  const tainted = new Set<string>();
  const out = new Set<string>();
  for (const id of graph.order) {
    const parents = graph.parents.get(id) ?? [];
    const upstream = parents.some((p) => tainted.has(p) || status.get(p) === 'ran' || status.get(p) === 'error');
    if (upstream) tainted.add(id);
    if (upstream && status.get(id) === 'cached') out.add(id);
  }
  return out;
}

export interface EditMeasure {
  withEditRerunSeconds: number;
  /** Steps (real build ids) that re-ran there and stayed cached with the edit. */
  stepsKeptCached: string[];
}

/**
 * Compares the build with the edit to the real one. Step ids move when an edit moves lines, so steps
 * are matched by instruction text: within the same target, platform and stage first (the n-th
 * occurrence to the n-th), then by text alone for what is left (an edit that renames or adds stages),
 * then a RUN the edit extended (another rule's edit folded in appends `&& ...` to it).
 * A cached step after a re-run one (`cachedAfterRerun`) counts as re-run, at the real build's time.
 */
export function measureEdit(real: BuildReport, withEdit: BuildReport, graph: StepGraph | null): EditMeasure {
  const exact = (s: Step) => `${s.target ?? ''}\u0000${s.platform ?? ''}\u0000${s.stage ?? ''}\u0000${s.text}`;
  const loose = (s: Step) => `${s.target ?? ''}\u0000${s.platform ?? ''}\u0000${s.text}`;
  const candidates = withEdit.steps.filter((s) => s.status !== 'source');
  const used = new Set<Step>();
  const match = (step: Step, key: (s: Step) => string): Step | undefined => {
    const found = candidates.find((c) => !used.has(c) && key(c) === key(step));
    if (found) used.add(found);
    return found;
  };
  const extended = (step: Step): Step | undefined => {
    const found = candidates.find(
      (c) =>
        !used.has(c) &&
        c.instruction === step.instruction &&
        (c.target ?? '') === (step.target ?? '') &&
        (c.platform ?? '') === (step.platform ?? '') &&
        c.text.length > step.text.length &&
        c.text.startsWith(step.text) &&
        /^\s/.test(c.text.slice(step.text.length)),
    );
    if (found) used.add(found);
    return found;
  };
  const ran = real.steps.filter(reran);
  const pairs = new Map<Step, Step | undefined>(ran.map((s) => [s, match(s, exact)]));
  for (const s of ran) if (!pairs.get(s)) pairs.set(s, match(s, loose));
  for (const s of ran) if (!pairs.get(s)) pairs.set(s, extended(s));
  const tainted = graph ? cachedAfterRerun(withEdit, graph) : new Set<string>();
  let seconds = rerunSeconds(withEdit);
  const kept: string[] = [];
  for (const s of ran) {
    const w = pairs.get(s);
    if (w?.status !== 'cached') continue;
    if (tainted.has(w.id)) seconds += s.seconds ?? 0;
    else kept.push(s.id);
  }
  return { withEditRerunSeconds: round(seconds), stepsKeptCached: kept };
}

export interface Verdict {
  status: Extract<VerificationStatus, 'verified' | 'changes-image' | 'no-gain'>;
  secondsSaved: number;
}

/** Changes the image → `changes-image`; keeps nothing cached or saves under `minGain` → `no-gain`; else `verified`. */
export function verdict(m: {
  baseRerunSeconds: number;
  withEditRerunSeconds: number;
  stepsKeptCached: string[];
  imageDifferences: string[];
  /** See minGain. */
  startSeconds?: number;
}): Verdict {
  const secondsSaved = round(m.baseRerunSeconds - m.withEditRerunSeconds);
  if (m.imageDifferences.length) return { status: 'changes-image', secondsSaved };
  if (!m.stepsKeptCached.length || secondsSaved < minGain(m.baseRerunSeconds, m.startSeconds))
    return { status: 'no-gain', secondsSaved };
  return { status: 'verified', secondsSaved };
}
