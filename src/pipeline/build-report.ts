import { stepStatus } from '../progress/step-status.js';
import type { ParsedBuild, Vertex } from '../progress/types.js';
import { TOOL_NAME, VERSION } from '../version.js';
import {
  SCHEMA_VERSION,
  STEP_STATUSES,
  type BuildReport,
  type StageSummary,
  type Step,
  type TargetSummary,
  type StepStatus,
} from '../model/report.js';
import { stageKey, stepIdOf } from '../model/step-id.js';
import { mapSteps } from '../dockerfile/map-steps.js';
import type { Dockerfile } from '../dockerfile/parse.js';
import { isImportVertex, remoteCacheReport, type CacheInputs } from '../remote-cache/index.js';
import { markSharedTargets, targetsOf } from './shared-targets.js';

export interface BuildReportOpts {
  /** The log's file name, as the user gave it. */
  file?: string | null;
  /** Clock for `generatedAt` (tests pin it). */
  now?: Date;
  /** The parsed Dockerfile and its path: steps are tied to lines, shared steps filed under one stable id. */
  dockerfile?: { path: string; parsed: Dockerfile; text?: string } | null;
  /** Run mode's `cache-from` / `cache-to` inputs: backends, refs, modes and scopes BuildKit does not print. */
  cacheInputs?: CacheInputs | null;
}

const SLOWEST = 10;
const CONTEXT_VERTEX = /load (?:remote )?build context$/;

export function emptyCounts(): Record<StepStatus, number> {
  return Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<StepStatus, number>;
}

/** Cached share among steps that were cache candidates (sources are not). */
export function cachedRatio(counts: Record<StepStatus, number>): number | null {
  const candidates = counts.cached + counts.ran + counts.error + counts.canceled + counts.unfinished;
  return candidates ? counts.cached / candidates : null;
}

/**
 * Ids made unique with `~2`, `~3`, ... in first-seen order. Each base remembers the next suffix to
 * try: every suffix below it is taken (ids are only ever added), so a log of many builds, where one
 * id comes back thousands of times, costs one probe per step instead of one per earlier build.
 */
class UniqueIds {
  private readonly used = new Set<string>();
  private readonly next = new Map<string, number>();

  take(base: string): string {
    let n = this.next.get(base) ?? 1;
    let id = n === 1 ? base : `${base}~${n}`;
    while (this.used.has(id)) id = `${base}~${++n}`;
    this.next.set(base, n + 1);
    this.used.add(id);
    return id;
  }
}

function toSteps(vertices: Vertex[]): {
  steps: Step[];
  idByKey: Map<string, string>;
  listed: Vertex[];
  /** Each step's id as first given, in order (mapping may relabel some). */
  firstIds: string[];
} {
  const ids = new UniqueIds();
  const idByKey = new Map<string, string>();
  const listed = vertices.filter((v) => v.kind !== 'internal');
  const firstIds: string[] = [];
  const keys: string[] = [];
  for (const v of listed) {
    const key = stageKey(v.label);
    keys.push(key);
    const id = ids.take(stepIdOf(key, v.label.index, v.label.text));
    idByKey.set(v.key, id);
    firstIds.push(id);
  }
  const steps = listed.map((v, i): Step => {
    const status = stepStatus(v);
    const time = stepTime(v, status);
    const step: Step = {
      id: firstIds[i],
      name: v.name,
      stageKey: keys[i],
      target: v.label.target,
      platform: v.label.platform,
      stage: v.label.stage,
      index: v.label.index,
      count: v.label.count,
      instruction: v.kind === 'source' && v.label.raw === null && !v.label.instruction ? null : v.label.instruction,
      text: v.label.text,
      status,
      seconds: time.seconds,
      share: null,
      started: v.started,
      completed: v.completed,
      inputs: v.inputs.length ? v.inputs.map((k) => idByKey.get(k)).filter((id): id is string => id !== undefined) : [],
      lines: null,
      sizeBytes: null,
      sharedWith: [],
      error: v.error,
      logTail: v.logTail,
      warnings: v.warnings,
    };
    // A spread in the literal made every step a slow copy; the rare lower bound goes after `seconds`, as before.
    return time.atLeast ? withKeyAfter(step, 'seconds', 'secondsAtLeast', true) : step;
  });
  return { steps, idByKey, listed, firstIds };
}

/** `obj` with `key` added just after `after`, in key order (the report's JSON keeps its order). */
function withKeyAfter<T extends object>(obj: T, after: keyof T, key: string, value: unknown): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out as T;
}

/**
 * A step's time. A cached step has none. One that ended well has BuildKit's `DONE` time (plain) or its run
 * intervals (rawjson). One that failed or was canceled cost the time it ran until then: its first to last
 * timestamp when the log has a clock. Otherwise, when its end or start is not in the log, the largest
 * elapsed time its log lines carry is a lower bound (`≥ 40 s`), never 0.
 */
function stepTime(v: Vertex, status: StepStatus): { seconds: number | null; atLeast: boolean } {
  if (status === 'cached') return { seconds: null, atLeast: false };
  if (v.seconds !== null) return { seconds: v.seconds, atLeast: false };
  if ((status === 'error' || status === 'canceled') && v.started !== null && v.completed !== null) {
    const span = (v.completed - v.started) / 1000;
    if (span > 0 && span >= (v.elapsedSeconds ?? 0)) return { seconds: round(span), atLeast: false };
  }
  if (v.elapsedSeconds !== null) return { seconds: v.elapsedSeconds, atLeast: true };
  return { seconds: null, atLeast: false };
}

function toStages(steps: Step[]): StageSummary[] {
  const byKey = new Map<string, StageSummary>();
  steps.forEach((step) => {
    const key = step.stageKey;
    let stage = byKey.get(key);
    if (!stage) {
      stage = {
        key,
        target: step.target,
        platform: step.platform,
        stage: step.stage,
        steps: 0,
        declaredSteps: null,
        counts: emptyCounts(),
        cachedRatio: null,
        seconds: 0,
        sizeBytes: null,
      };
      byKey.set(key, stage);
    }
    stage.steps++;
    stage.counts[step.status]++;
    if (step.count !== null) stage.declaredSteps = Math.max(stage.declaredSteps ?? 0, step.count);
    // Image pulls take time too (a FROM that printed `DONE 13.9s`): they count in their stage.
    if (step.seconds !== null) stage.seconds += step.seconds;
    if (step.secondsAtLeast) stage.secondsAtLeast = true;
  });
  for (const stage of byKey.values()) {
    stage.cachedRatio = cachedRatio(stage.counts);
    stage.seconds = round(stage.seconds);
  }
  return dockerfileOrder([...byKey.values()], steps);
}

/**
 * Stages in Dockerfile order (by their first mapped line), so the order is the same in every run of a
 * build; the log's first-seen order varies with what ran in parallel. Stages with no mapped line keep
 * their first-seen order, after the others.
 */
function dockerfileOrder(stages: StageSummary[], steps: Step[]): StageSummary[] {
  const first = new Map<string, number>();
  for (const s of steps) {
    if (!s.lines) continue;
    const seen = first.get(s.stageKey);
    if (seen === undefined || s.lines.start < seen) first.set(s.stageKey, s.lines.start);
  }
  const at = (st: StageSummary): number => first.get(st.key) ?? Infinity;
  return stages
    .map((st, i) => ({ st, i }))
    .sort((a, b) => at(a.st) - at(b.st) || a.i - b.i)
    .map(({ st }) => st);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Bytes of build context each context vertex sent (the last, largest transfer status of each). */
function contextTransfers(vertices: Vertex[]): { target: string | null; bytes: number }[] {
  const out: { target: string | null; bytes: number }[] = [];
  for (const v of vertices) {
    if (!CONTEXT_VERTEX.test(v.name)) continue;
    let best: number | null = null;
    for (const p of v.progress) {
      if (p.id.startsWith('transferring context') && p.current !== null) best = Math.max(best ?? 0, p.current);
    }
    if (best !== null) out.push({ target: v.label.target, bytes: best });
  }
  return out;
}

/** Per bake/compose target: its stages and their rollup (only when the build has targets). */
function toTargets(
  steps: Step[],
  stages: StageSummary[],
  transfers: { target: string | null; bytes: number }[],
  names: string[],
) {
  const byName = new Map<string, TargetSummary>();
  const get = (name: string): TargetSummary => {
    let t = byName.get(name);
    if (!t) {
      t = { name, stages: [], steps: 0, counts: emptyCounts(), cachedRatio: null, seconds: 0, contextBytes: null };
      byName.set(name, t);
    }
    return t;
  };
  for (const stage of stages) if (stage.target !== null) get(stage.target).stages.push(stage.key);
  // In the log's order; a target with no step of its own is listed too (with 0 steps when none could be told).
  for (const name of names) get(name);
  // A step BuildKit ran once for several targets counts in each: each target's view is its whole chain.
  for (const step of steps) {
    for (const name of targetsOf(step)) {
      const t = get(name);
      t.steps++;
      t.counts[step.status]++;
      if (step.seconds !== null) t.seconds += step.seconds;
      if (step.secondsAtLeast) t.secondsAtLeast = true;
      if (step.targets) t.sharedSteps = (t.sharedSteps ?? 0) + 1;
    }
  }
  for (const c of transfers)
    if (c.target !== null) get(c.target).contextBytes = (get(c.target).contextBytes ?? 0) + c.bytes;
  for (const t of byName.values()) {
    t.cachedRatio = cachedRatio(t.counts);
    t.seconds = round(t.seconds);
  }
  const rank = new Map(names.map((n, i) => [n, i]));
  return [...byName.values()].sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
}

/**
 * BuildKit numbers a build's vertices 1, 2, 3, ... as it first prints them, so a plain log that is whole has every
 * number from its first to its last; a run of missing numbers means lines were left out (a copy from a web page with
 * folded parts, a hand-trimmed paste). Each build of a log is checked apart. `#11–#35`, or null.
 */
function missingVertices(vertices: Vertex[]): string | null {
  const byBuild = new Map<string, number[]>();
  for (const v of vertices) {
    if (v.number === null || v.number === 0) continue;
    const build = v.key.includes('@') ? v.key.slice(v.key.indexOf('@')) : '';
    let list = byBuild.get(build);
    if (!list) byBuild.set(build, (list = []));
    list.push(v.number);
  }
  const runs: string[] = [];
  let missing = 0;
  for (const list of byBuild.values()) {
    list.sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) {
      const from = list[i - 1] + 1;
      const to = list[i] - 1;
      if (to < from) continue;
      missing += to - from + 1;
      runs.push(from === to ? `#${from}` : `#${from}–#${to}`);
    }
  }
  if (!missing) return null;
  return runs.length > 3 ? `${runs.slice(0, 3).join(', ')} and ${runs.length - 3} more runs` : runs.join(', ');
}

function incompleteReasons(parsed: ParsedBuild, failed: boolean, errors: string[]): string[] {
  const reasons: string[] = [];
  if (parsed.vertices.length === 0) reasons.push('no BuildKit progress found in the input');
  if (failed) reasons.push(`the build failed: ${errors[0] ?? 'a step ended in error'}`);
  if (parsed.truncated) reasons.push('the log starts in the middle of the build (it is the tail of a longer log)');
  const unfinished = parsed.vertices.filter((v) => v.outcome === 'unfinished' && v.name !== '').length;
  if (unfinished && !failed) reasons.push(`the log ends before ${unfinished} step(s) finished (it was cut)`);
  const gap = missingVertices(parsed.vertices);
  if (gap && !parsed.truncated) reasons.push(`vertices ${gap} are not in the log (lines were left out of it)`);
  const unreadable = parsed.problems.length;
  if (unreadable) reasons.push(`${unreadable} problem(s) reading the input, e.g. ${parsed.problems[0].message}`);
  return reasons;
}

/** Turns a parsed build into the versioned report: steps, stage rollups, totals, completeness. */
export function buildReport(parsed: ParsedBuild, opts: BuildReportOpts = {}): BuildReport {
  const { steps, idByKey, listed, firstIds } = toSteps(parsed.vertices);
  const mapping = opts.dockerfile ? mapSteps(steps, opts.dockerfile.parsed) : null;
  if (mapping) {
    // Relabelled shared steps changed ids: follow them in inputs and warnings (when any did).
    const renamed = new Map<string, string>();
    for (let i = 0; i < listed.length; i++) {
      const before = firstIds[i];
      if (before === steps[i].id) continue;
      renamed.set(before, steps[i].id);
      idByKey.set(listed[i].key, steps[i].id);
    }
    if (renamed.size) for (const step of steps) step.inputs = step.inputs.map((id) => renamed.get(id) ?? id);
  }
  // Every target the build served, those with no step of their own too (`[bot] exporting to image` only).
  const targetNames = [...new Set(parsed.vertices.map((v) => v.label.target).filter((t): t is string => t !== null))];
  markSharedTargets(steps, targetNames);
  const stages = toStages(steps);
  const counts = emptyCounts();
  for (const step of steps) counts[step.status]++;

  // A failed cache import is not a failed build: BuildKit carries on without it (remoteCache reports it).
  const vertexErrors = parsed.vertices
    .filter((v) => v.outcome === 'error' && v.error && !isImportVertex(v))
    .map((v) => (v.name ? `${v.name}: ${v.error}` : v.error!));
  const errors = parsed.errors.length ? [...parsed.errors] : vertexErrors;
  const failed = parsed.errors.length > 0 || vertexErrors.length > 0;

  const wall =
    parsed.startedAtMs !== null && parsed.endedAtMs !== null ? (parsed.endedAtMs - parsed.startedAtMs) / 1000 : null;
  const wallSeconds = wall === null ? null : round(wall);
  const sum = parsed.vertices.reduce((total, v) => total + (v.seconds ?? v.elapsedSeconds ?? 0), 0);
  const stepSeconds = round(sum);
  // Shares divide by the unrounded total (a rounded one can be smaller than a step). Capped at 1: a
  // plain log's step times (BuildKit's clock) can run a little past its timestamps (the runner's).
  const basis = wallSeconds !== null && wallSeconds > 0 ? wall! : sum;
  for (const step of steps) {
    if (step.seconds !== null && basis > 0) step.share = Math.min(1, step.seconds / basis);
  }
  const slowestRan = steps
    .filter((s) => (s.status === 'ran' || s.status === 'error') && s.seconds !== null)
    .sort((a, b) => b.seconds! - a.seconds!)
    .slice(0, SLOWEST)
    .map((s) => s.id);

  const reasons = incompleteReasons(parsed, failed, errors);
  const remoteCache = remoteCacheReport({
    parsed,
    steps,
    stages,
    idByKey,
    basisSeconds: basis,
    wallBasis: wallSeconds !== null && wallSeconds > 0,
    errors,
    failed,
    inputs: opts.cacheInputs ?? null,
  });
  const transfers = contextTransfers(parsed.vertices);
  const targets = toTargets(steps, stages, transfers, targetNames);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: VERSION },
    generatedAt: (opts.now ?? new Date()).toISOString(),
    source: { format: parsed.format, file: opts.file ?? null, lines: parsed.lines, tail: parsed.truncated },
    dockerfile: opts.dockerfile ? { path: opts.dockerfile.path, unmapped: mapping!.unmapped } : null,
    builder: parsed.builder,
    complete: reasons.length === 0,
    incompleteReasons: reasons,
    failed,
    steps,
    stages,
    targets,
    totals: {
      steps: steps.length,
      counts,
      cachedRatio: cachedRatio(counts),
      wallSeconds,
      stepSeconds,
      shareBasis: wallSeconds !== null && wallSeconds > 0 ? 'wall' : 'sum',
      contextBytes: transfers.length ? transfers.reduce((total, c) => total + c.bytes, 0) : null,
    },
    slowestRan,
    errors,
    warnings: parsed.warnings.map((w) => ({
      message: w.message,
      line: w.line,
      stepId: w.vertexKey ? (idByKey.get(w.vertexKey) ?? null) : null,
    })),
    problems: parsed.problems.map((p) => ({ line: p.line, message: p.message })),
    ...(remoteCache ? { remoteCache } : {}),
  };
}
