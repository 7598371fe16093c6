// Finds the report's step for a numbered Dockerfile instruction and checks it is that
// instruction. Pure. The report labels steps with BuildKit's numbers; a step BuildKit ran once for
// two stages is filed under one of them with the other in `sharedWith`.
import type { BuildReport, Step } from '../model/report.js';
import { instructionOf, stageFor } from '../dockerfile/map-steps.js';
import type { Dockerfile, DockerfileInstruction, DockerfileStage } from '../dockerfile/parse.js';

export const stageNameOf = (stage: DockerfileStage): string => stage.name ?? `stage-${stage.position}`;

/**
 * The Dockerfile stage a labelled report step is a step of, or null when its label does not fit
 * this Dockerfile. Concurrent builds on one BuildKit share identical vertices (a FROM of the same
 * image) and the log can print another build's label for them (`[1/6] FROM ...` seen in a
 * multi-stage build): such a step is nobody's here. So an unnamed label only fits a single-stage
 * file, and the Dockerfile's step at that number must be that instruction.
 */
export function ownStage(step: Step, dockerfile: Dockerfile): DockerfileStage | null {
  if (step.index === null || (step.stage === null && dockerfile.stages.length > 1)) return null;
  const found = instructionOf(step, dockerfile);
  return found && isInstruction(step, found.inst) ? found.stage : null;
}

/** The report's steps labelled `[<stage> <index>/n]`, or sharing that label. */
export function stepsAt(report: BuildReport, dockerfile: Dockerfile, stage: DockerfileStage, index: number): Step[] {
  const shared = `${stageNameOf(stage)} ${index}/`;
  return report.steps.filter(
    (s) => (s.index === index && ownStage(s, dockerfile) === stage) || s.sharedWith.some((l) => l.startsWith(shared)),
  );
}

/** Drops the keyword, JSON punctuation and spaces: the report prints `COPY [a, b]` for `COPY ["a", "b"]`. */
const loose = (text: string): string => text.replace(/^\S+/, '').replace(/[\s[\]",]+/g, '');

/**
 * Whether the report's step is this instruction. BuildKit substitutes build args and variables
 * into the step names (`RUN echo "$GREETING"` is printed `RUN echo "hello"`), so `$VAR` in the
 * Dockerfile stands for anything.
 */
export function isInstruction(step: Step, inst: DockerfileInstruction): boolean {
  if (step.instruction !== inst.keyword) return false;
  if (inst.keyword === 'FROM') return true;
  const parts = loose(inst.text).split(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/);
  const pattern = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
  return pattern.test(loose(step.text));
}

/** The Dockerfile stage each labelled report step (and each stage it was shared with) belongs to. */
export function builtStages(report: BuildReport, dockerfile: Dockerfile): Set<DockerfileStage> {
  const out = new Set<DockerfileStage>();
  for (const step of report.steps) {
    const own = ownStage(step, dockerfile);
    if (own) out.add(own);
    for (const label of step.sharedWith) {
      const other = stageFor({ stage: label.replace(/ \d+\/\d+$/, '') }, dockerfile);
      if (other) out.add(other);
    }
  }
  return out;
}
