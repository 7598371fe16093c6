import { readsVariable, variablesRead, type Dockerfile, type DockerfileStage } from '../dockerfile/parse.js';
import { instructionOf } from '../dockerfile/map-steps.js';
import type { BuildReport, RootCause, Step } from '../model/report.js';
import { stepsById } from '../model/steps-by-id.js';
import type { ChangeSet } from './changes.js';
import type { CopySourceMatcher } from './copy-sources.js';
import type { StepGraph } from './graph.js';

export interface RootCauseOpts {
  graph: StepGraph;
  dockerfile: Dockerfile | null;
  changes: ChangeSet;
  /** Matches changed files against COPY sources (needs the context and its .dockerignore). */
  copyMatcher: CopySourceMatcher | null;
  /** The baseline report, to see instruction text and base images that changed. */
  baseline?: BuildReport | null;
}

const RERUN = new Set(['ran', 'error']);

/** ARGs a RUN sees: those its stage declares before it (a global ARG only counts once re-declared). */
function argsInScope(stage: DockerfileStage, index: number): string[] {
  const out = new Set<string>();
  for (const a of stage.args) if (a.beforeIndex <= index) out.add(a.name); // (in order: a prefix of them)
  return [...out];
}

/** Each ARG name of a stage by its first declaration (its place in scope order, the step it is seen from), and
 *  the names that are no word (`A.B`), which `variablesRead` does not read. */
interface Declared {
  first: Map<string, { order: number; from: number }>;
  odd: string[];
}

function declarations(stage: DockerfileStage): Declared {
  let d = declared.get(stage);
  if (!d) {
    d = { first: new Map(), odd: [] };
    for (const a of stage.args) {
      if (d.first.has(a.name)) continue;
      d.first.set(a.name, { order: d.first.size, from: a.beforeIndex });
      if (!/^\w+$/.test(a.name)) d.odd.push(a.name);
    }
    declared.set(stage, d);
  }
  return d;
}

const declared = new WeakMap<DockerfileStage, Declared>();

/**
 * The ARGs in scope that `text` reads, in scope order: `argsInScope(...).filter((n) => readsVariable(text, n))`,
 * from the few names the text reads rather than a regex per ARG in scope (10,000 ARGs took a minute).
 */
function referenced(text: string, stage: DockerfileStage, index: number): string[] {
  const { first, odd } = declarations(stage);
  const seen = (n: string) => (first.get(n)?.from ?? Infinity) <= index;
  const names = variablesRead(text).filter(seen);
  for (const n of odd) if (seen(n) && readsVariable(text, n)) names.push(n);
  return names.sort((a, b) => first.get(a)!.order - first.get(b)!.order);
}

/** The FROM a stage starts from, in a report: the step whose text is its FROM (sources keep the image digest). */
/** Each stage's first FROM text, by stage key (built once: looked up for every root cause). */
function fromTexts(report: BuildReport): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of report.steps) if (s.instruction === 'FROM' && !out.has(s.stageKey)) out.set(s.stageKey, s.text);
  return out;
}

/** What every explanation looks up, indexed once. */
interface Lookup {
  baselineById: Map<string, Step>;
  fromNow: Map<string, string>;
  fromThen: Map<string, string>;
}

/** True when a changed Dockerfile line falls in the range: a walk over the range or over the changed lines, the shorter. */
function touches(changed: ReadonlySet<number>, range: { start: number; end: number }): boolean {
  if (range.end - range.start + 1 <= changed.size) {
    for (let l = range.start; l <= range.end; l++) if (changed.has(l)) return true;
    return false;
  }
  for (const l of changed) if (l >= range.start && l <= range.end) return true;
  return false;
}

type Explanation = Omit<RootCause, 'stepId' | 'cascade' | 'seconds'>;

function cause(
  kind: RootCause['kind'],
  confidence: RootCause['confidence'],
  detail: string,
  extra: Partial<Explanation> = {},
): Explanation {
  return { kind, confidence, detail, files: [], args: [], ...extra };
}

/**
 * What the build says of its cache as a whole: `cold` when no step was cached (a new builder, --no-cache, an
 * evicted cache); `workdir-only` when only WORKDIR steps were (BuildKit 0.8 reports WORKDIR as cached even
 * on a cold build, so such a build cannot be told apart from a cold one); `warm` otherwise, and for a tail
 * (its earlier steps, cached or not, are not in the log).
 */
type CacheState = 'cold' | 'workdir-only' | 'warm';

function cacheState(report: BuildReport): CacheState {
  if (report.source.tail) return 'warm';
  const cached = report.steps.filter((s) => s.status === 'cached');
  if (cached.some((s) => s.instruction !== 'WORKDIR')) return 'warm';
  return cached.length ? 'workdir-only' : 'cold';
}

/**
 * Why a root step re-ran: every piece of evidence found, the strongest first — its Dockerfile lines
 * changed, its base image changed, files it copies changed, ARGs in scope of a RUN — so a COPY whose
 * line moved and whose files changed shows both. Without evidence: a build where nothing was cached,
 * a COPY without a list of changed files, or no visible change.
 */
function explain(step: Step, opts: RootCauseOpts, lookup: Lookup, state: CacheState): Explanation {
  const noneCached = state === 'cold';
  const found: Explanation[] = [];
  const place = instructionOf(step, opts.dockerfile);
  const old = lookup.baselineById.get(step.id);
  const linesChanged = place && opts.changes.dockerfileLines && touches(opts.changes.dockerfileLines, place.inst.lines);
  if (linesChanged || (old && old.text !== step.text && !/\*\*\*/.test(step.text + old.text))) {
    const where = place ? ` (Dockerfile line ${place.inst.lines.start})` : '';
    found.push(cause('instruction-changed', 'certain', `The instruction itself changed${where}.`));
  }
  const fromNow = lookup.fromNow.get(step.stageKey) ?? null;
  const fromThen = lookup.fromThen.get(step.stageKey) ?? null;
  if (fromNow && fromThen && fromNow !== fromThen) {
    found.push(cause('base-image-changed', 'certain', `The base image changed: ${fromNow.replace(/^FROM /, '')}.`));
  }
  const isCopy =
    (step.instruction === 'COPY' || step.instruction === 'ADD') && place !== null && place.inst.sources.length > 0;
  const changesKnown = opts.changes.source !== 'none' && opts.copyMatcher !== null;
  if (isCopy && changesKnown && !noneCached) {
    const files = opts.copyMatcher!.match(place!.inst.sources, opts.changes.files);
    if (files.length) {
      const named = files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
      found.push(cause('content-changed', 'certain', `Files it copies changed: ${named}.`, { files }));
    }
  }
  // An ARG is inferred (values are never stored): it counts only when nothing certain explains the step.
  if (step.instruction === 'RUN' && place && !found.length) {
    const inScope = place.stage.args.length > 0 && place.stage.args[0].beforeIndex <= step.index!;
    if (inScope) {
      const used = referenced(place.inst.text, place.stage, step.index!);
      const args = used.length ? used : argsInScope(place.stage, step.index!);
      found.push(
        cause('build-arg-changed', 'likely', `A build-arg it sees changed: ${args.join(', ')} (declared above it).`, {
          args,
        }),
      );
    }
  }
  if (found.length > 1) {
    const [first] = found;
    return {
      ...first,
      detail: found.map((f) => f.detail).join(' '),
      files: found.flatMap((f) => f.files),
      args: found.flatMap((f) => f.args),
      evidence: found.map(({ kind, confidence, detail, files, args }) => ({ kind, confidence, detail, files, args })),
    };
  }
  if (found.length === 1) return found[0];
  const failed = step.status === 'error' ? ' It ran and failed.' : '';
  if (noneCached) {
    return cause(
      'no-visible-change',
      'likely',
      failed
        ? `Nothing in this build was cached (a new builder, --no-cache), so it ran.${failed}`
        : 'Nothing in this build was cached: a new builder, --no-cache, or an evicted cache.',
    );
  }
  if (state === 'workdir-only') {
    return cause(
      'no-visible-change',
      'likely',
      'Only WORKDIR steps were cached, which BuildKit 0.8 reports even on a build without a cache: this build ' +
        'cannot be told apart from a cold one (a new builder, --no-cache, an evicted cache), and no change is ' +
        `visible that would have set this step off.${failed}`,
    );
  }
  if (isCopy && !changesKnown) {
    return cause(
      'content-changed',
      'likely',
      'The files it copies most likely changed (no list of changed files was given to name them).',
    );
  }
  if (failed) {
    return cause(
      'no-visible-change',
      'likely',
      'It ran and failed; nothing visible changed that would have set it off (no earlier build of it was cached, or its cache entry was not available to this builder).',
    );
  }
  return cause(
    'no-visible-change',
    'likely',
    'Nothing visible changed: the cache entry was evicted or not available to this builder.',
  );
}

/**
 * Splits re-run steps into root causes (everything they build on was cached) and cascades (they
 * re-ran because a step they build on did), explains each root cause and adds up what it cost.
 * Marks each re-run step's `miss` in the report.
 */
export function findRootCauses(report: BuildReport, opts: RootCauseOpts): RootCause[] {
  const byId = stepsById(report);
  // By position in the graph's order (parents first), in arrays: a map lookup per step and per edge was most of
  // this on 100,000 steps. Each re-run step's roots: a step under one re-run parent shares that parent's array
  // (a chain of 100,000 steps makes no copies); several parents' roots are merged in their order.
  const { order, parentsAt } = opts.graph;
  const stepAt: (Step | undefined)[] = new Array(order.length);
  const rootsAt: (string[] | undefined)[] = new Array(order.length);
  const rerun: number[] = [];
  for (let o = 0; o < order.length; o++) {
    const step = (stepAt[o] = byId.get(order[o]));
    if (!step || !RERUN.has(step.status)) continue;
    const parents = parentsAt[o];
    let upstream: string[] | null = null;
    let merged: Set<string> | null = null;
    for (let i = 0; i < parents.length; i++) {
      const rs = rootsAt[parents[i]];
      if (rs === undefined || rs === upstream) continue;
      if (upstream === null) {
        upstream = rs;
        continue;
      }
      merged ??= new Set(upstream);
      for (let j = 0; j < rs.length; j++) merged.add(rs[j]);
    }
    if (merged !== null && merged.size > upstream!.length) upstream = [...merged];
    rootsAt[o] = upstream ?? [order[o]];
    rerun.push(o);
    step.miss = upstream ? { role: 'cascade', roots: upstream } : { role: 'root', roots: [] };
  }
  // BuildKit 0.8 reports WORKDIR as cached even under --no-cache: it does not count as a cache hit here.
  const state = cacheState(report);
  const lookup: Lookup = {
    baselineById: new Map((opts.baseline?.steps ?? []).map((s) => [s.id, s])),
    fromNow: fromTexts(report),
    fromThen: opts.baseline ? fromTexts(opts.baseline) : new Map(),
  };
  // Each root's cascade and time in one pass over the re-run steps (in graph order), not one pass per root.
  const cascades = new Map<string, { step: Step; cascade: string[]; seconds: number }>();
  for (const o of rerun)
    if (stepAt[o]!.miss!.role === 'root')
      cascades.set(order[o], { step: stepAt[o]!, cascade: [], seconds: stepAt[o]!.seconds ?? 0 });
  for (const o of rerun) {
    const rs = rootsAt[o]!;
    if (stepAt[o]!.miss!.role === 'root') continue;
    const seconds = stepAt[o]!.seconds ?? 0;
    for (let j = 0; j < rs.length; j++) {
      const root = cascades.get(rs[j])!;
      root.cascade.push(order[o]);
      root.seconds += seconds;
    }
  }
  const causes: RootCause[] = [];
  for (const [id, { step, cascade, seconds }] of cascades) {
    causes.push({
      stepId: id,
      ...explain(step, opts, lookup, state),
      cascade,
      seconds: Math.round(seconds * 1000) / 1000,
    });
  }
  return causes.sort((a, b) => b.seconds - a.seconds);
}
