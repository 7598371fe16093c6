import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dockerfile, DockerfileInstruction, DockerfileStage } from '../../dockerfile/parse.js';
import type { BuildReport, Step, Suggestion } from '../../model/report.js';
import { Lines, unifiedDiff } from './text.js';

/** What every rule reads: the Dockerfile (text and parsed), the analysed report, the context. */
export class RuleContext {
  readonly lines: Lines;
  /** Report steps by the first Dockerfile line they were mapped to, slowest first (several platforms). */
  private readonly byLine = new Map<number, Step[]>();
  private readonly byId: Map<string, Step>;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly dockerfile: Dockerfile,
    readonly report: BuildReport,
    readonly contextDir: string | null,
  ) {
    this.lines = new Lines(text);
    this.byId = new Map(report.steps.map((s) => [s.id, s]));
    for (const step of report.steps) {
      if (!step.lines) continue;
      const list = this.byLine.get(step.lines.start) ?? [];
      list.push(step);
      this.byLine.set(step.lines.start, list);
    }
    for (const list of this.byLine.values()) list.sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0));
  }

  /** The report's step for an instruction (the slowest, when several platforms built it). */
  step(inst: DockerfileInstruction): Step | null {
    return this.byLine.get(inst.lines.start)?.[0] ?? null;
  }

  /** True when the file exists in the build context; null when the context is unknown. */
  inContext(relative: string): boolean | null {
    return this.contextDir ? existsSync(join(this.contextDir, relative)) : null;
  }

  /** Steps of a stage between two instructions, exclusive, in order. */
  between(stage: DockerfileStage, a: DockerfileInstruction, b: DockerfileInstruction): DockerfileInstruction[] {
    return stage.instructions.filter((i) => i.lines.start > a.lines.end && i.lines.end < b.lines.start);
  }

  /** The root cause that made a step re-run, when it did. */
  rootOf(step: Step | null): Step | null {
    if (!step?.miss) return null;
    const id = step.miss.role === 'root' ? step.id : step.miss.roots[0];
    return this.byId.get(id) ?? null;
  }

  suggestion(s: Omit<Suggestion, 'file' | 'diff'> & { after: string; file?: string; before?: string }): Suggestion {
    const file = s.file ?? this.file;
    const { after, before, ...rest } = s;
    return { ...rest, file, diff: unifiedDiff(file, before ?? this.text, after) };
  }
}

/** Seconds of steps that re-ran, when they did. */
export function reranSeconds(steps: (Step | null)[]): number {
  return steps.reduce((sum, s) => sum + (s && (s.status === 'ran' || s.status === 'error') ? (s.seconds ?? 0) : 0), 0);
}
