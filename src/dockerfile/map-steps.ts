import type { BuildReport, Step } from '../model/report.js';
import type { Dockerfile, DockerfileStage } from './parse.js';

/** The Dockerfile stage a labelled step belongs to: by name, by `stage-N`, or the only stage. */
export function stageFor(step: Pick<Step, 'stage'>, dockerfile: Dockerfile): DockerfileStage | null {
  const { stages } = dockerfile;
  const name = step.stage;
  // BuildKit names no stage when the file has one; an unnamed label otherwise means the last (target) stage.
  if (name === null) return stages[stages.length - 1] ?? null;
  const named = stages.find((s) => s.name === name.toLowerCase());
  if (named) return named;
  const m = /^stage-(\d+)$/.exec(name);
  return m ? (stages[Number(m[1])] ?? null) : null;
}

function label(stage: DockerfileStage, index: number): string {
  return `${stage.name ?? `stage-${stage.position}`} ${index}/${stage.steps.length}`;
}

/** True when both stages start from the same base and steps 1..index are the same: BuildKit then runs them once. */
function samePrefix(a: DockerfileStage, b: DockerfileStage, index: number): boolean {
  if (a.base !== b.base || a.baseIsStage !== b.baseIsStage) return false;
  if (a.steps.length < index || b.steps.length < index) return false;
  for (let i = 0; i < index; i++) {
    if (a.steps[i].keyword !== 'FROM' && a.steps[i].text !== b.steps[i].text) return false;
  }
  return true;
}

export interface MapResult {
  /** Steps that could not be tied to a Dockerfile line, with the reason. */
  unmapped: { id: string; reason: string }[];
}

/**
 * Ties each labelled step to its Dockerfile lines, and marks steps that BuildKit ran once for
 * two stages (identical steps on the same base are one vertex, printed under one stage's label).
 * Mutates the report's steps.
 */
export function mapSteps(report: BuildReport, dockerfile: Dockerfile): MapResult {
  const unmapped: MapResult['unmapped'] = [];
  const printed = new Map<DockerfileStage, Set<number>>();
  for (const step of report.steps) {
    if (step.index === null) continue;
    const stage = stageFor(step, dockerfile);
    const inst = stage?.steps[step.index - 1];
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
    step.lines = { ...inst.lines };
    if (!printed.has(stage)) printed.set(stage, new Set());
    printed.get(stage)!.add(step.index);
  }
  // A built stage missing a step that another stage printed identically (FROM included): shared.
  for (const [stage, seen] of printed) {
    for (let index = 1; index <= stage.steps.length; index++) {
      if (seen.has(index)) continue;
      const owner = report.steps.find((s) => {
        if (s.index !== index || s.lines === null) return false;
        const other = stageFor(s, dockerfile);
        return other !== null && other !== stage && samePrefix(other, stage, index);
      });
      if (owner) owner.sharedWith.push(label(stage, index));
    }
  }
  return { unmapped };
}
