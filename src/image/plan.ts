// Decides, before any docker call, what can be measured: the target stage, the stages this build
// built, the ones that did not finish (asking for them would rebuild), and the stage keys. Pure.
import type { BuildReport } from '../model/report.js';
import { stageKeyOf } from '../model/step-id.js';
import { findStage, type Dockerfile, type DockerfileStage } from '../dockerfile/parse.js';
import { stageChain } from './map-layers.js';
import { builtStages, ownStage, stageNameOf } from './report-steps.js';

export interface MeasurePlan {
  /** Why nothing per stage can be measured (e.g. several platforms in one report), or null. */
  problem: string | null;
  /** The stage the final image is the image of; null when the named target is no stage. */
  target: DockerfileStage | null;
  built: Set<DockerfileStage>;
  /** Stages with a step (of their own or of a stage they are built FROM) that did not finish, and why. */
  unfinished: Map<DockerfileStage, string>;
  /** The report's key for a stage (or the key it would have had). */
  keyOf: (stage: DockerfileStage) => string;
}

const FINISHED = new Set(['cached', 'ran', 'source']);

function findTarget(dockerfile: Dockerfile, target: string | null | undefined): DockerfileStage | null {
  const { stages } = dockerfile;
  return target ? findStage(dockerfile, target) : (stages[stages.length - 1] ?? null);
}

function unfinishedStages(report: BuildReport, dockerfile: Dockerfile): Map<DockerfileStage, string> {
  const own = new Map<DockerfileStage, string>();
  for (const step of report.steps) {
    if (FINISHED.has(step.status)) continue;
    const stage = ownStage(step, dockerfile);
    if (stage && !own.has(stage)) own.set(stage, `its step ${step.id} ended '${step.status}' in this build`);
  }
  const out = new Map<DockerfileStage, string>();
  for (const stage of dockerfile.stages) {
    const failed = stageChain(dockerfile, stage).find((s) => own.has(s));
    if (failed) out.set(stage, own.get(failed)!);
  }
  return out;
}

export function planMeasure(report: BuildReport, dockerfile: Dockerfile, target?: string | null): MeasurePlan {
  // Only steps whose label fits this Dockerfile (see ownStage).
  const labelled = report.steps.filter((s) => ownStage(s, dockerfile) !== null);
  const groups = new Set(labelled.map((s) => [s.target, s.platform].filter(Boolean).join(' ') || '(default)'));
  const problem =
    groups.size > 1
      ? `the build has ${groups.size} targets or platforms (${[...groups].join(', ')}); a local image holds one`
      : null;
  const first = labelled[0] ?? { target: null, platform: null };
  const keys = new Map<DockerfileStage, string>();
  // A label that names the stage first: a shared vertex can carry a concurrent build's unnamed label.
  for (const step of [...labelled].sort((a, b) => Number(a.stage === null) - Number(b.stage === null))) {
    const df = ownStage(step, dockerfile)!;
    if (!keys.has(df)) keys.set(df, step.stageKey);
  }
  const keyOf = (stage: DockerfileStage): string =>
    keys.get(stage) ?? stageKeyOf({ target: first.target, platform: first.platform, stage: stageNameOf(stage) });
  return {
    problem,
    target: findTarget(dockerfile, target),
    built: builtStages(report, dockerfile),
    unfinished: unfinishedStages(report, dockerfile),
    keyOf,
  };
}
