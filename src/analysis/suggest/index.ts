import { applyPatch } from 'diff';
import type { Dockerfile } from '../../dockerfile/parse.js';
import { loadShell, type Shell } from '../../dockerfile/shell.js';
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
import { unifiedDiff } from './text.js';

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

/** The steps a suggestion is about: those it keeps cached, and those on its lines (a cache mount's RUN). */
function concerned(s: Suggestion, report: BuildReport): string[] {
  const onLines = report.steps.filter(
    (x) => x.lines && x.lines.start <= s.lines.end && x.lines.end >= s.lines.start && x.status !== 'source',
  );
  return [...new Set([...s.protects, ...onLines.map((x) => x.id)])];
}

/** Notes how often the concerned steps re-ran, and returns the share of builds (this one included) they did. */
function withHistory(
  s: Suggestion,
  report: BuildReport,
  history: History['builds'],
  counts: Map<string, number>,
): number {
  const ids = concerned(s, report);
  const builds = history.length;
  const reran = Math.max(0, ...ids.map((id) => counts.get(id) ?? 0));
  // The renderers say "re-ran in N of the last M builds of `main`" from this (the branch the store kept).
  const branch = history.at(-1)?.branch;
  s.history = branch ? { builds, reran, branch } : { builds, reran };
  const now = ids.some((id) => report.steps.find((x) => x.id === id)?.status === 'ran');
  return (reran + Number(now)) / (builds + 1);
}

/** Below these a suggestion is not worth a reviewer's time: it is not shown. */
export const MIN_GAIN = { seconds: 2, bytes: 1_000_000, layers: 1 } as const;

function worthIt(s: Suggestion): boolean {
  const { kind, value } = s.gain;
  return kind === 'correctness' || (value !== null && value >= MIN_GAIN[kind]);
}

/**
 * The lines a suggestion edits: its range, except for an ARG moved down, which edits only its own line and
 * the line it moves to (the RUNs in between stay as they are, and so may another rule's edit of them).
 */
function edited(s: Suggestion): Set<number> {
  if (s.rule === 'arg-placement') return new Set([s.lines.start, s.lines.end]);
  const out = new Set<number>();
  for (let l = s.lines.start; l <= s.lines.end; l++) out.add(l);
  return out;
}

/**
 * The edit `before → own` redone on `base` (another edit of `before`): the block of lines it changed is
 * replaced where it now stands (the nearest to where it stood, when the other edit copied it).
 */
function compose(before: string, own: string, base: string): string | false {
  const a = before.split('\n');
  const b = own.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const old = a.slice(pre, a.length - suf);
  const added = b.slice(pre, b.length - suf);
  if (!old.length) return applyPatch(base, unifiedDiff('f', before, own), { fuzzFactor: 0 });
  const lines = base.split('\n');
  const at: number[] = [];
  for (let i = 0; i + old.length <= lines.length; i++) if (old.every((l, k) => lines[i + k] === l)) at.push(i);
  if (!at.length) return false;
  // Where the lines stood, shifted by what the other edit added or removed (it may have copied them).
  const expected = pre + (lines.length - a.length);
  const best = at.reduce((x, y) => (Math.abs(y - expected) < Math.abs(x - expected) ? y : x));
  lines.splice(best, old.length, ...added);
  return lines.join('\n');
}

/**
 * Two suggestions editing the same lines of the same file become one: the second's diff applied on top of
 * the first's edit, both reasons kept. When the second does not apply on top, the better-ranked one stays.
 */
function mergeOverlapping(list: Suggestion[], text: string): Suggestion[] {
  const out: { s: Suggestion; after: string | null }[] = [];
  // Per file, each edited line's first (best-ranked) owner in `out`: the overlap is found through the
  // suggestion's own lines, not by comparing it with every earlier one.
  const owners = new Map<string, Map<number, number>>();
  const claim = (index: number) => {
    const s = out[index].s;
    let lines = owners.get(s.file);
    if (!lines) owners.set(s.file, (lines = new Map()));
    for (const l of edited(s)) if (!lines.has(l) || lines.get(l)! > index) lines.set(l, index);
  };
  for (const s of list) {
    const lines = owners.get(s.file);
    let first = -1;
    if (lines) {
      for (const l of edited(s)) {
        const i = lines.get(l);
        if (i !== undefined && (first === -1 || i < first)) first = i;
      }
    }
    const overlap = first === -1 ? undefined : out[first];
    if (!overlap) {
      out.push({ s, after: null });
      claim(out.length - 1);
      continue;
    }
    const base = overlap.s.file === s.file && overlap.after === null ? applyPatch(text, overlap.s.diff) : overlap.after;
    const own = applyPatch(text, s.diff);
    // The same edit twice (merge-runs and apt-update-alone): one diff. Otherwise both edits, when they compose.
    const both =
      base === false || base === null || own === false ? false : own === base ? base : compose(text, own, base);
    if (both === false) {
      // Two moves of one rule that do not compose (two ARGs moved down) stay two suggestions; another
      // rule's edit of the same lines waits for the better-ranked one to be applied.
      if (overlap.s.rule === s.rule) {
        out.push({ s, after: null });
        claim(out.length - 1);
      }
      continue;
    }
    overlap.after = both;
    const o = overlap.s;
    o.also = [...(o.also ?? []), { rule: s.rule, title: s.title, why: s.why }];
    o.why = `${o.why} Also (${s.rule}): ${s.why}`;
    o.lines = { start: Math.min(o.lines.start, s.lines.start), end: Math.max(o.lines.end, s.lines.end) };
    o.protects = [...new Set([...o.protects, ...s.protects])];
    o.diff = unifiedDiff(o.file, text, both);
    claim(first); // its range grew
  }
  return out.map((x) => x.s);
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
  const all = RULES.flatMap((rule, order) =>
    rule(ctx)
      .filter(worthIt)
      .map((s) => ({
        s,
        order,
        rate: counts ? withHistory(s, report, history, counts) : 1,
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
