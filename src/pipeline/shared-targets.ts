// Bake and compose build their targets in one BuildKit session, and BuildKit runs a vertex that two targets share
// (same base, same instructions up to there) once, printed under one target's label, sometimes with the other's
// step count (`[backend  2/11] WORKDIR /app` where backend declares 16 steps and frontend 11). That step served
// every target whose chain has a hole at its place: it is listed once, with the targets it served.
import type { Step } from '../model/report.js';

interface Chain {
  /** The step count the chain's labels declare (the most frequent one: a shared step may carry another's). */
  declared: number;
  /** The chain's printed steps by index, whatever count their label carries. */
  printed: Map<number, Step>;
}

/** `target` → stage name (`''` for a single-stage Dockerfile) → its chain. */
function chains(steps: Step[]): Map<string, Map<string, Chain>> {
  const tally = new Map<string, Map<number, number>>();
  const out = new Map<string, Map<string, Chain>>();
  for (const s of steps) {
    if (s.target === null || s.index === null || s.count === null) continue;
    let stages = out.get(s.target);
    if (!stages) out.set(s.target, (stages = new Map()));
    let chain = stages.get(s.stage ?? '');
    if (!chain) stages.set(s.stage ?? '', (chain = { declared: 0, printed: new Map() }));
    if (!chain.printed.has(s.index)) chain.printed.set(s.index, s);
    const key = `${s.target}\u0000${s.stage ?? ''}`;
    let counts = tally.get(key);
    if (!counts) tally.set(key, (counts = new Map()));
    counts.set(s.count, (counts.get(s.count) ?? 0) + 1);
  }
  for (const [target, stages] of out) {
    for (const [stage, chain] of stages) {
      const counts = tally.get(`${target}\u0000${stage}`)!;
      chain.declared = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
    }
  }
  return out;
}

/**
 * Two chains can share their step `index` only if they never both printed one of the steps before it themselves:
 * `index` is at most the first index both printed (found once per pair, not per index).
 */
function samePrefix(a: Chain, b: Chain, index: number): boolean {
  let firsts = firstBoth.get(a);
  if (!firsts) firstBoth.set(a, (firsts = new Map()));
  let first = firsts.get(b);
  if (first === undefined) {
    first = Infinity;
    const [fewer, more] = a.printed.size <= b.printed.size ? [a, b] : [b, a];
    for (const j of fewer.printed.keys()) if (j >= 1 && j < first && more.printed.has(j)) first = j;
    firsts.set(b, first);
  }
  return index <= first;
}

const firstBoth = new WeakMap<Chain, Map<Chain, number>>();

/**
 * Sets `targets` on each step that also served other targets: a target's chain with a hole at an index (its label
 * never printed that step) was served by the one step other targets printed there, with the same stage name and a
 * prefix they can share. A named stage's first step is left alone: `FROM <another stage>` is never printed, so its
 * hole proves nothing. Where two steps could have filled a hole, the one with the chain's own step count is taken;
 * still two, none is (no guess). Returns the number of steps marked.
 */
export function markSharedTargets(steps: Step[], allTargets: string[] = []): number {
  const byTarget = chains(steps);
  const order = [...new Set([...allTargets, ...byTarget.keys()])];
  if (order.length < 2 || byTarget.size === 0) return 0;
  const served = new Map<Step, Set<string>>();
  // Who printed each (stage, index), in target order: a hole asks those, not every other target (2,000 targets
  // of one Dockerfile took 6 s).
  const printers = new Map<string, Map<number, { target: string; chain: Chain; step: Step }[]>>();
  for (const [target, stages] of byTarget)
    for (const [stage, chain] of stages) {
      let at = printers.get(stage);
      if (!at) printers.set(stage, (at = new Map()));
      for (const [index, step] of chain.printed) {
        const list = at.get(index);
        if (list) list.push({ target, chain, step });
        else at.set(index, [{ target, chain, step }]);
      }
    }
  for (const [target, stages] of byTarget) {
    for (const [stage, chain] of stages) {
      const at = printers.get(stage)!;
      for (let index = stage === '' ? 1 : 2; index <= chain.declared; index++) {
        if (chain.printed.has(index)) continue;
        let fits: Step[] = [];
        for (const p of at.get(index) ?? [])
          if (p.target !== target && samePrefix(chain, p.chain, index)) fits.push(p.step);
        if (fits.length > 1) fits = fits.filter((s) => s.count === chain.declared);
        if (fits.length !== 1) continue;
        let set = served.get(fits[0]);
        if (!set) served.set(fits[0], (set = new Set([fits[0].target!])));
        set.add(target);
      }
    }
  }
  const stepless = order.filter((t) => !byTarget.has(t));
  const chain = stepless.length ? oneChain(byTarget) : null;
  for (const step of chain ?? []) {
    let set = served.get(step);
    if (!set) served.set(step, (set = new Set([step.target!])));
    for (const t of stepless) set.add(t);
  }
  for (const [step, set] of served) step.targets = order.filter((t) => set.has(t));
  return served.size;
}

/**
 * The steps of the one single-stage chain all targets printed between them (each index 1..N printed once, N the same
 * for all), or null. A target that printed no step of its own (only its export) had every step run under another
 * target's label: when the build shows one chain, that is its chain; with more, which one is not in the log.
 */
function oneChain(byTarget: Map<string, Map<string, Chain>>): Step[] | null {
  let declared: number | null = null;
  const at = new Map<number, Step>();
  for (const stages of byTarget.values()) {
    for (const [stage, chain] of stages) {
      if (stage !== '' || (declared !== null && chain.declared !== declared)) return null;
      declared = chain.declared;
      for (const [index, step] of chain.printed) {
        if (at.has(index) || step.count !== declared) return null;
        at.set(index, step);
      }
    }
  }
  if (declared === null || at.size !== declared) return null;
  return [...at.values()];
}
/** The targets a step counts in: those it served, else its label's. */
export function targetsOf(step: Pick<Step, 'target' | 'targets'>): string[] {
  return step.targets ?? (step.target === null ? [] : [step.target]);
}
