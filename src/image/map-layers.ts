// Ties an image's history entries to the Dockerfile instructions that made them. Pure.
//
// An image built for a stage holds, oldest first: its base image's entries, then the entries of
// every stage it is built FROM (root first), then its own. So the history is read from the end
// backwards against the chain's instructions, also from the end. Only layer entries (RUN, COPY,
// ADD, WORKDIR) are paired with the numbered steps; config-only entries (ENV, CMD, ...) make no
// layer and weigh 0 bytes, so they are stepped over. Each pair must agree in order, keyword and
// text: at the first disagreement the instructions from there back are left unmapped, with the
// reason, rather than paired by guess.
import type { Dockerfile, DockerfileInstruction, DockerfileStage } from '../dockerfile/parse.js';
import { mismatch, readEntry, shellsOf } from './history-text.js';
import type { HistoryEntry } from './types.js';

export interface NumberedStep {
  stage: DockerfileStage;
  /** BuildKit's step number in the stage (`[stage i/n]`); null for `FROM scratch` and `WORKDIR /`, which get none. */
  index: number | null;
  inst: DockerfileInstruction;
}

export interface MappedStep {
  stage: DockerfileStage;
  index: number;
  inst: DockerfileInstruction;
  /** The layer's bytes; for the FROM of an image, the bytes of the whole base image. */
  sizeBytes: number;
}

export interface UnmappedStep {
  stage: DockerfileStage;
  index: number;
  inst: DockerfileInstruction;
  reason: string;
}

export interface StageBytes {
  stage: DockerfileStage;
  /** What the image of `--target <stage>` weighs; null when the history could not be split there. */
  totalBytes: number | null;
  /** What the stage's own instructions add over its base; null unless all of them were mapped. */
  addedBytes: number | null;
}

export interface LayerMap {
  /** The sum of every entry: the image's size. */
  totalBytes: number;
  /** The bytes of the root stage's base image; null when the history could not be split there. */
  baseBytes: number | null;
  steps: MappedStep[];
  unmapped: UnmappedStep[];
  /** The chain, root first: the stages the image was built FROM, then its own stage. */
  stages: StageBytes[];
}

export const isScratch = (stage: DockerfileStage): boolean =>
  !stage.baseIsStage && stage.base.toLowerCase() === 'scratch';

/** The stage and the stages it is built FROM, root first. */
export function stageChain(dockerfile: Dockerfile, stage: DockerfileStage): DockerfileStage[] {
  const chain = [stage];
  for (let s = stage; s.baseIsStage;) {
    const parent = dockerfile.stages.find((p) => p.name === s.base && p.position < s.position);
    if (!parent) break;
    chain.unshift(parent);
    s = parent;
  }
  return chain;
}

/** The stage's steps with BuildKit 0.8's numbers, which skip `FROM scratch` and `WORKDIR /`. */
export function numberedSteps(stage: DockerfileStage): NumberedStep[] {
  let n = 0;
  return stage.steps.map((inst) => {
    // parse.ts already leaves out what BuildKit 0.8 does not number (FROM scratch, WORKDIR /).
    return { stage, index: ++n, inst };
  });
}

type Numbered = NumberedStep & { index: number };

const sum = (entries: HistoryEntry[]): number => entries.reduce((n, e) => n + e.sizeBytes, 0);

/** Maps the history of the image built for `stage` onto the instructions of its chain. */
export function mapLayers(entries: HistoryEntry[], dockerfile: Dockerfile, stage: DockerfileStage): LayerMap {
  const chain = stageChain(dockerfile, stage);
  const expected = chain.flatMap((s) =>
    numberedSteps(s).filter((n): n is Numbered => n.index !== null && n.inst.keyword !== 'FROM'),
  );
  const read = entries.map((e) => readEntry(e.createdBy));
  const shells = shellsOf(entries.map((e) => e.createdBy));
  const sizes = new Map<Numbered, number>();
  let i = entries.length - 1;
  let j = expected.length - 1;
  let failure: string | null = null;
  for (; j >= 0; i--, j--) {
    while (i >= 0 && read[i].kind === 'metadata') i--;
    failure = i < 0 ? 'the history ends before this instruction' : mismatch(read[i], expected[j].inst, shells[i]);
    if (failure) break;
    sizes.set(expected[j], entries[i].sizeBytes);
  }
  const unmapped: UnmappedStep[] = [];
  if (failure) {
    const at = expected[j];
    unmapped.push({ ...at, reason: failure });
    for (const e of expected.slice(0, j)) {
      unmapped.push({ ...e, reason: `a later instruction (${label(at)}) does not match the history` });
    }
  }
  // What is left before the chain's first instruction is the base image (and 0-byte config entries).
  const root = chain[0];
  const before = entries.slice(0, i + 1);
  if (!failure && isScratch(root) && before.some((_, k) => read[k].kind !== 'metadata')) {
    // More layers than the Dockerfile explains: this is not the image of these instructions.
    failure = 'the history has entries before the first instruction of a FROM scratch stage';
    sizes.clear();
    for (const e of expected) unmapped.push({ ...e, reason: failure });
  }
  const baseBytes = failure ? null : sum(before);
  const steps: MappedStep[] = expected.filter((e) => sizes.has(e)).map((e) => ({ ...e, sizeBytes: sizes.get(e)! }));
  const from = numberedSteps(root).find((n) => n.inst.keyword === 'FROM' && n.index !== null);
  if (from) {
    if (baseBytes !== null) steps.unshift({ ...(from as Numbered), sizeBytes: baseBytes });
    else unmapped.push({ ...(from as Numbered), reason: 'the base image could not be told apart in the history' });
  }

  const totalBytes = sum(entries);
  let running: number | null = baseBytes;
  const stages = chain.map((s): StageBytes => {
    const own = expected.filter((e) => e.stage === s);
    const addedBytes = own.every((e) => sizes.has(e)) ? own.reduce((n, e) => n + sizes.get(e)!, 0) : null;
    running = running !== null && addedBytes !== null ? running + addedBytes : null;
    return { stage: s, totalBytes: s === stage ? totalBytes : running, addedBytes };
  });
  return { totalBytes, baseBytes, steps, unmapped, stages };
}

function label(step: Numbered): string {
  return `${step.stage.name ?? `stage-${step.stage.position}`} ${step.index}, line ${step.inst.lines.start}`;
}
