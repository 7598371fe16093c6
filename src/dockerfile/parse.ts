import { DockerfileParser } from 'dockerfile-ast';

/** Instructions that BuildKit numbers as steps (`[stage i/n]`); ENV, ARG, CMD and the like are not. */
const COUNTED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

export interface DockerfileInstruction {
  keyword: string;
  /** The instruction as written, continuations joined and spaces collapsed (for comparing steps). */
  text: string;
  /** 1-based, inclusive. */
  lines: { start: number; end: number };
}

export interface DockerfileStage {
  /** 0-based position among the FROMs. */
  position: number;
  /** `AS name` (lower-cased, as BuildKit prints it), or null. */
  name: string | null;
  /** The image or stage it starts from (a stage as its lower-cased name). */
  base: string;
  /** True when `base` is an earlier stage: then FROM is no step of its own. */
  baseIsStage: boolean;
  from: DockerfileInstruction;
  /** The numbered steps, as BuildKit numbers them: FROM first when the base is an image, then RUN/COPY/ADD/WORKDIR. */
  steps: DockerfileInstruction[];
}

export interface Dockerfile {
  stages: DockerfileStage[];
}

function normalise(text: string, escape: string): string {
  const continuation = new RegExp(`\\${escape}\\r?\\n`, 'g');
  return text.replace(continuation, ' ').replace(/\s+/g, ' ').trim();
}

/** Parses a Dockerfile into its stages and numbered steps, with line ranges. */
export function parseDockerfile(content: string): Dockerfile {
  const df = DockerfileParser.parse(content);
  const escape = df.getEscapeCharacter();
  const lines = content.split('\n');
  const stages: DockerfileStage[] = [];
  for (const inst of df.getInstructions()) {
    const keyword = inst.getKeyword().toUpperCase();
    const range = inst.getRange();
    const source = lines.slice(range.start.line, range.end.line + 1);
    source[source.length - 1] = source[source.length - 1].slice(0, range.end.character);
    source[0] = source[0].slice(range.start.character);
    const step: DockerfileInstruction = {
      keyword,
      text: normalise(source.join('\n'), escape),
      lines: { start: range.start.line + 1, end: range.end.line + 1 },
    };
    if (keyword === 'FROM') {
      const from = df.getFROMs().find((f) => f.getRange().start.line === range.start.line);
      const image = from?.getImage() ?? '';
      const baseIsStage = stages.some((s) => s.name !== null && s.name === image.toLowerCase());
      stages.push({
        position: stages.length,
        name: from?.getBuildStage()?.toLowerCase() ?? null,
        base: baseIsStage ? image.toLowerCase() : image,
        baseIsStage,
        from: step,
        steps: baseIsStage ? [] : [step],
      });
    } else if (COUNTED.has(keyword) && stages.length) {
      stages[stages.length - 1].steps.push(step);
    }
  }
  return { stages };
}
