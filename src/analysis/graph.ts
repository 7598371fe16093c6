import { instructionOf } from '../dockerfile/map-steps.js';
import { findStage, type Dockerfile } from '../dockerfile/parse.js';
import type { BuildReport, Step } from '../model/report.js';

export interface StepGraph {
  basis: 'rawjson' | 'dockerfile' | 'order';
  /** step id -> the steps it builds on (only steps of the report; sources included). */
  parents: Map<string, string[]>;
  /** Ids in an order where parents come first. */
  order: string[];
  /** By position in `order`: the positions of its parents, as in `parents` (walks by position need no lookups). */
  parentsAt: number[][];
}

/** `target/platform/` part of a step, kept when following a Dockerfile edge (each platform is its own graph). */
function prefixOf(step: Step): string {
  return [step.target, step.platform].filter(Boolean).join('/');
}

/**
 * Every place a step stands for (its own label and the stages it was shared with): per `prefix|stage`, the step
 * id at each index (one key per stage, not one string per step).
 */
function places(report: BuildReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const put = (prefix: string, stage: string, index: number, id: string) => {
    const key = `${prefix}|${stage}`;
    const at = out.get(key);
    if (at) at[index] = id;
    else {
      const fresh: string[] = [];
      fresh[index] = id;
      out.set(key, fresh);
    }
  };
  for (const step of report.steps) {
    if (step.stage === null && step.index === null) continue;
    const prefix = prefixOf(step);
    if (step.index !== null) put(prefix, step.stage ?? '', step.index, step.id);
    for (const label of step.sharedWith) {
      const m = /^(\S+) (\d+)\/\d+$/.exec(label);
      if (m) put(prefix, m[1], Number(m[2]), step.id);
    }
  }
  return out;
}

function fromDockerfile(report: BuildReport, dockerfile: Dockerfile): Map<string, string[]> {
  const placed = places(report);
  const parents = new Map<string, string[]>();
  const stageName = (position: number) => {
    const s = dockerfile.stages[position];
    return s.name ?? `stage-${position}`;
  };
  // Per (prefix, stage): the step standing for each index — its own, or the last printed before it — built
  // once, and what stands before the stage's first (its FROM <stage>'s last, down the chain). Walking back
  // index by index from every step was quadratic in a stage whose steps the log did not print.
  interface Table {
    at: (string | null)[];
    before?: string | null;
  }
  const tables = new Map<string, Table>();
  const tableOf = (prefix: string, position: number): Table => {
    const key = `${prefix}|${position}`;
    let t = tables.get(key);
    if (!t) {
      const names = [stageName(position), ...(dockerfile.stages.length === 1 ? [''] : [])];
      const printed = names.map((name) => placed.get(`${prefix}|${name}`) ?? []);
      const n = dockerfile.stages[position].steps.length;
      const at: (string | null)[] = [null];
      for (let i = 1; i <= n; i++) {
        let id: string | null = null;
        for (const ids of printed) {
          id = ids[i] ?? null;
          if (id) break;
        }
        at.push(id ?? at[i - 1]);
      }
      t = { at };
      tables.set(key, t);
    }
    return t;
  };
  const beforeOf = (prefix: string, position: number): string | null => {
    const chain: Table[] = [];
    let result: string | null = null;
    let pos = position;
    for (let hops = 0; hops <= dockerfile.stages.length; hops++) {
      const t = tableOf(prefix, pos);
      if (t.before !== undefined) {
        result = t.before;
        break;
      }
      chain.push(t);
      const stage = dockerfile.stages[pos];
      const base = stage.baseIsStage ? findStage(dockerfile, stage.base) : null;
      if (!base) break;
      const last = tableOf(prefix, base.position).at.at(-1)!;
      if (last !== null) {
        result = last;
        break;
      }
      pos = base.position;
    }
    for (const t of chain) t.before = result;
    return result;
  };
  /** The report step standing for the last step of a stage at or before `index`, following FROM <stage>. */
  const lastOf = (prefix: string, position: number, index: number): string | null => {
    const { at } = tableOf(prefix, position);
    return at[Math.min(index, at.length - 1)] ?? beforeOf(prefix, position);
  };
  for (const step of report.steps) {
    const found = instructionOf(step, dockerfile);
    if (!found || step.index === null) continue;
    const { stage, inst } = found;
    const prefix = prefixOf(step);
    const list: string[] = [];
    const previous = lastOf(prefix, stage.position, step.index - 1);
    if (previous) list.push(previous);
    for (const ref of inst.from) {
      const other = findStage(dockerfile, ref);
      const id = other ? lastOf(prefix, other.position, other.steps.length) : null;
      if (id && !list.includes(id)) list.push(id);
    }
    parents.set(
      step.id,
      list.filter((id) => id !== step.id),
    );
  }
  return parents;
}

/** Stages a step's text reads from: `COPY --from=builder`, `RUN --mount=type=bind,from=deps` (`--from=0`: stage-0). */
function fromStages(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:--from=|[,\s]from=)("?)([^\s",]+)\1/g)) {
    const name = /^\d+$/.test(m[2]) ? `stage-${m[2]}` : m[2];
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * Without rawjson inputs or a Dockerfile: steps in index order within each stage, and a COPY --from /
 * RUN --mount from another stage of the log builds on that stage's last step (so the critical path goes
 * on from the builder stage into the final one).
 */
function fromOrder(report: BuildReport): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  const last = new Map<string, string>();
  const lastOfStage = new Map<string, { id: string; index: number }>();
  for (const step of report.steps) {
    if (step.index === null || step.stage === null) continue;
    const key = `${prefixOf(step)}|${step.stage}`;
    const seen = lastOfStage.get(key);
    if (!seen || step.index > seen.index) lastOfStage.set(key, { id: step.id, index: step.index });
  }
  const ordered = [...report.steps].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  for (const step of ordered) {
    const prev = last.get(step.stageKey);
    const list = prev ? [prev] : [];
    if (step.instruction === 'COPY' || step.instruction === 'RUN' || step.instruction === 'ADD') {
      for (const name of fromStages(step.text)) {
        if (name === step.stage) continue;
        const other = lastOfStage.get(`${prefixOf(step)}|${name}`);
        if (other && other.id !== step.id && !list.includes(other.id)) list.push(other.id);
      }
    }
    parents.set(step.id, list);
    if (step.index !== null) last.set(step.stageKey, step.id);
  }
  return parents;
}

/**
 * Ids with parents first: a depth-first walk, each id after its parents, in the order a recursive
 * walk would give — but on a stack of its own, so a chain of 100,000 steps cannot overflow the call
 * stack. A cycle (never in a real build) is cut where it closes.
 */
function topological(ids: string[], parents: Map<string, string[]>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const none: string[] = [];
  // Each frame holds its parents, looked up once when it is entered, not again for each of them.
  const stack: { id: string; next: number; ps: string[] }[] = [];
  const enter = (id: string) => {
    seen.add(id);
    stack.push({ id, next: 0, ps: parents.get(id) ?? none });
  };
  for (const root of ids) {
    if (seen.has(root)) continue;
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ps = top.ps;
      if (top.next < ps.length) {
        const p = ps[top.next++];
        if (!seen.has(p)) enter(p);
      } else {
        stack.pop();
        out.push(top.id);
      }
    }
  }
  return out;
}

/**
 * The step graph: rawjson's vertex inputs when the log has them (exact); otherwise rebuilt from
 * the Dockerfile (steps in order, FROM <stage>, COPY --from, RUN --mount from); otherwise steps
 * in index order within each stage.
 */
export function buildGraph(report: BuildReport, dockerfile: Dockerfile | null): StepGraph {
  const ids = report.steps.map((s) => s.id);
  let basis: StepGraph['basis'];
  let parents: Map<string, string[]>;
  if (report.source.format === 'rawjson' && report.steps.some((s) => s.inputs.length)) {
    basis = 'rawjson';
    parents = new Map(report.steps.map((s) => [s.id, s.inputs]));
  } else if (dockerfile) {
    basis = 'dockerfile';
    parents = fromDockerfile(report, dockerfile);
    for (const id of ids) if (!parents.has(id)) parents.set(id, []);
  } else {
    basis = 'order';
    parents = fromOrder(report);
  }
  const order = topological(ids, parents);
  return { basis, parents, order, parentsAt: positionsOf(order, parents) };
}

/** Each position's parents as positions in `order` (every parent is in it: the walk enters them). */
function positionsOf(order: string[], parents: Map<string, string[]>): number[][] {
  const position = new Map<string, number>();
  for (let i = 0; i < order.length; i++) position.set(order[i], i);
  const out: number[][] = new Array<number[]>(order.length);
  for (let i = 0; i < order.length; i++) {
    const ps = parents.get(order[i]);
    const at: number[] = [];
    if (ps) for (let j = 0; j < ps.length; j++) at.push(position.get(ps[j])!);
    out[i] = at;
  }
  return out;
}
