import type { Step } from '../model/report.js';
import { stageKeyOf, stepIdOf } from '../model/step-id.js';
import { findStage, type Dockerfile, type DockerfileInstruction, type DockerfileStage } from './parse.js';

/** The Dockerfile stage a labelled step belongs to: by name, by `stage-N`, or the last (target) stage. */
export function stageFor(step: Pick<Step, 'stage'>, dockerfile: Dockerfile): DockerfileStage | null {
  // BuildKit names no stage when the file has one; an unnamed label otherwise means the last (target) stage.
  if (step.stage === null) return dockerfile.stages[dockerfile.stages.length - 1] ?? null;
  return findStage(dockerfile, step.stage);
}

/**
 * The Dockerfile stage and instruction a labelled step stands for, by its label alone: the one rule
 * every stage after this one uses. `mapSteps` also checks the keyword (a step that disagrees stays
 * unmapped, without lines); image sizes also check the text (`ownStage`).
 */
export function instructionOf(
  step: Pick<Step, 'stage' | 'index'>,
  dockerfile: Dockerfile | null,
): { stage: DockerfileStage; inst: DockerfileInstruction } | null {
  if (!dockerfile || step.index === null) return null;
  const stage = stageFor(step, dockerfile);
  const inst = stage?.steps[step.index - 1];
  return stage && inst ? { stage, inst } : null;
}

interface Place {
  stage: DockerfileStage;
  index: number;
}

function stageName(stage: DockerfileStage): string {
  return stage.name ?? `stage-${stage.position}`;
}

function labelOf(p: Place): string {
  return `${stageName(p.stage)} ${p.index}/${p.stage.total}`;
}

/**
 * Numbers for stage prefixes: two (stage, index) places get the same number when both stages start from the same
 * base and steps 1..index are the same (BuildKit then runs them once). Built as a trie, so every prefix of every
 * stage is numbered in time linear in the steps.
 */
class Prefixes {
  /** Each number's children by the next step's text (a trie): no key string is built per step. */
  private readonly children: Map<string, number>[] = [];
  private count = 0;
  private readonly roots = new Map<string, number>();
  private readonly byStage = new Map<DockerfileStage, number[]>();

  /** The prefix number of steps 1..index of a stage (index ≤ its steps). */
  of(stage: DockerfileStage, index: number): number {
    let ids = this.byStage.get(stage);
    if (!ids) {
      ids = [];
      let id = this.number(this.roots, `${stage.baseIsStage ? 'stage' : 'image'}\u0000${stage.base}`);
      for (const step of stage.steps) {
        // A FROM step is the base, compared above.
        id = this.number((this.children[id] ??= new Map()), step.keyword === 'FROM' ? '' : step.text);
        ids.push(id);
      }
      this.byStage.set(stage, ids);
    }
    return ids[index - 1];
  }

  private number(within: Map<string, number>, key: string): number {
    let id = within.get(key);
    if (id === undefined) within.set(key, (id = this.count++));
    return id;
  }
}

/** The id a step gets under the label of another place. */
function idAt(step: Step, at: Place): string {
  return stepIdOf(stageKeyOf({ ...step, stage: stageName(at.stage) }), at.index, step.text);
}

/** Gives a step the label of another place (the canonical one of a shared vertex). */
function relabel(step: Step, to: Place): void {
  step.stage = stageName(to.stage);
  step.index = to.index;
  step.count = to.stage.total;
  step.stageKey = stageKeyOf(step);
  step.id = stepIdOf(step.stageKey, step.index, step.text);
  step.lines = { ...to.stage.steps[to.index - 1].lines };
}

/** The stages a build ran: those with a printed step, and the stages they start FROM or read from. */
function builtStages(printed: Iterable<DockerfileStage>, dockerfile: Dockerfile): DockerfileStage[] {
  const built = new Set<DockerfileStage>();
  const todo = [...printed];
  for (let stage = todo.pop(); stage; stage = todo.pop()) {
    if (built.has(stage)) continue;
    built.add(stage);
    const refs = [...(stage.baseIsStage ? [stage.base] : []), ...stage.steps.flatMap((i) => i.from)];
    for (const ref of refs) {
      const used = findStage(dockerfile, ref);
      if (used) todo.push(used);
    }
  }
  return dockerfile.stages.filter((stage) => built.has(stage));
}

export interface MapResult {
  /** Steps that could not be tied to a Dockerfile line, with the reason. */
  unmapped: { id: string; reason: string }[];
}

/**
 * Ties each labelled step to its Dockerfile lines. BuildKit runs identical steps of two stages
 * (same base, same instructions up to there) once, printed under either stage's label — not the
 * same one from build to build — so such a step is filed under the stage of the build that comes
 * first in the Dockerfile, with the others in `sharedWith`: its id stays stable across builds.
 */
export function mapSteps(steps: Step[], dockerfile: Dockerfile): MapResult {
  const unmapped: MapResult['unmapped'] = [];
  const placed: { step: Step; place: Place }[] = [];
  const printed = new Map<DockerfileStage, Set<number>>();
  for (const step of steps) {
    if (step.index === null) continue;
    const found = instructionOf(step, dockerfile);
    const stage = found?.stage ?? stageFor(step, dockerfile);
    const inst = found?.inst;
    if (!stage || !inst) {
      unmapped.push({
        id: step.id,
        reason: stage ? `stage has no step ${step.index}` : `no stage '${step.stage}' in the Dockerfile`,
      });
      continue;
    }
    if (step.instruction && inst.keyword !== step.instruction) {
      unmapped.push({
        id: step.id,
        reason: `step ${step.index} is ${inst.keyword} in the Dockerfile, ${step.instruction} in the log`,
      });
      continue;
    }
    step.lines = { start: inst.lines.start, end: inst.lines.end };
    placed.push({ step, place: { stage, index: step.index } });
    if (!printed.has(stage)) printed.set(stage, new Set());
    printed.get(stage)!.add(step.index);
  }

  // The printed places by prefix number, in the order of the steps: the first is the owner of a shared step.
  const prefixes = new Prefixes();
  const byPrefix = new Map<number, { step: Step; place: Place }[]>();
  for (const entry of placed) {
    const id = prefixes.of(entry.place.stage, entry.place.index);
    const list = byPrefix.get(id);
    if (list) list.push(entry);
    else byPrefix.set(id, [entry]);
  }
  const shares = new Map<Step, { own: Place; others: Place[] }>();
  // Every stage of the build, printed or not: a stage whose shared steps all ran under another
  // stage's label still comes first, or the id would depend on the label BuildKit picked.
  for (const stage of builtStages(printed.keys(), dockerfile)) {
    const seen = printed.get(stage);
    for (let index = 1; index <= stage.steps.length; index++) {
      if (seen?.has(index)) continue;
      const owner = byPrefix.get(prefixes.of(stage, index))?.find((e) => e.place.stage !== stage);
      if (!owner) continue;
      const share = shares.get(owner.step);
      if (share) share.others.push({ stage, index });
      else shares.set(owner.step, { own: owner.place, others: [{ stage, index }] });
    }
  }
  const ids = new Set(shares.size ? steps.map((s) => s.id) : []);
  for (const [owner, { own, others }] of shares) {
    // A place whose id a step already has was printed under its own label, unmapped (the Dockerfile
    // changed since the build): BuildKit did not share this vertex with it, and ids stay unique.
    const free = others.filter((p) => !ids.has(idAt(owner, p)));
    if (!free.length) continue;
    const all = [own, ...free].sort((a, b) => a.stage.position - b.stage.position);
    owner.sharedWith = all.slice(1).map(labelOf);
    if (all[0] !== own) {
      ids.delete(owner.id);
      relabel(owner, all[0]);
      ids.add(owner.id);
    }
  }
  return { unmapped };
}
