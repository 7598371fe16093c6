import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findStage,
  type Dockerfile,
  type DockerfileInstruction,
  type DockerfileStage,
} from '../../dockerfile/parse.js';
import { runScript, type Shell, type ShellScript } from '../../dockerfile/shell.js';
import type { History } from '../../model/history.js';
import type { BuildReport, RootCause, Step, Suggestion } from '../../model/report.js';
import { stepsById } from '../../model/steps-by-id.js';
import { estimateSeconds } from './ecosystems.js';
import { Lines, unifiedDiff, unifiedDiffOfEdit, type LineEdit } from './text.js';

/** What every rule reads: the Dockerfile (text and parsed), the analysed report, the context. */
export class RuleContext {
  readonly lines: Lines;
  // Tables by an instruction's first line (1-based): every rule asks them per instruction, 400,000 times on a
  // 100,000-line Dockerfile, where an array index is several times cheaper than a map's lookup.
  /** Report steps by the first Dockerfile line they were mapped to, slowest first (several platforms). */
  private readonly byLine: (Step[] | null)[];
  private readonly byId: ReadonlyMap<string, Step>;
  private readonly scripts: (ShellScript | null)[];
  /** Shell parses by text: stages and platforms repeat the same RUNs and links. Read-only for every rule. */
  private readonly parses = new Map<string, ShellScript>();
  /** The context is read, not written, while the rules run: each file is looked at once. */
  private readonly present = new Map<string, boolean>();
  private readonly files = new Map<string, string | null>();
  /** Suggestions made and the diff each will have (see `withDiff`). */
  private readonly pending = new Map<Suggestion, () => string>();
  private readonly causes = new Map<string, RootCause>();
  private readonly folds = new Map<string, Map<DockerfileStage, unknown>>();
  /** Something in this build was cached: what re-ran tells the steps apart (not so on a cold build). */
  readonly discriminating: boolean;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly dockerfile: Dockerfile,
    readonly report: BuildReport,
    readonly contextDir: string | null,
    private readonly shell: Shell,
    readonly history: History | null = null,
  ) {
    this.lines = new Lines(text);
    this.byId = stepsById(report);
    // Lines as the parser counts them (a lone CR breaks a line there, not in `Lines`), and as steps were mapped.
    let last = this.lines.lines.length;
    for (const stage of dockerfile.stages)
      last = Math.max(last, stage.from.lines.end, stage.instructions.at(-1)?.lines.end ?? 0);
    for (const step of report.steps) if (step.lines) last = Math.max(last, step.lines.start);
    this.scripts = new Array<ShellScript | null>(last + 1).fill(null);
    this.byLine = new Array<Step[] | null>(last + 1).fill(null);
    const several: Step[][] = [];
    for (const step of report.steps) {
      if (!step.lines) continue;
      const list = this.byLine[step.lines.start];
      if (!list) this.byLine[step.lines.start] = [step];
      else if (list.push(step) === 2) several.push(list);
    }
    for (const list of several) list.sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0));
    for (const c of report.analysis?.rootCauses ?? []) if (!this.causes.has(c.stepId)) this.causes.set(c.stepId, c);
    this.discriminating = report.steps.some((s) => s.status === 'cached');
  }

  /** The root cause found at a step, when one was. */
  causeAt(step: Step | null | undefined): RootCause | undefined {
    return step ? this.causes.get(step.id) : undefined;
  }

  /** The report's step for an instruction (the slowest, when several platforms built it). */
  step(inst: DockerfileInstruction): Step | null {
    return this.byLine[inst.lines.start]?.[0] ?? null;
  }

  /** The shell commands a RUN runs (parsed once). */
  script(inst: DockerfileInstruction): ShellScript {
    let script = this.scripts[inst.lines.start];
    if (!script) {
      script =
        inst.keyword === 'RUN'
          ? this.parse(runScript(this.lines.slice(inst.lines)))
          : { commands: [], chain: null, partial: false };
      this.scripts[inst.lines.start] = script;
    }
    return script;
  }

  /** Parses a piece of shell (a link of a chain); the same text gives the same, shared, answer. */
  parse(text: string): ShellScript {
    let script = this.parses.get(text);
    if (!script) this.parses.set(text, (script = this.shell.parse(text)));
    return script;
  }

  /**
   * What keeping these RUNs cached is worth: their re-run time in this build when they re-ran here
   * (`measured`), else an estimate from the class of their commands.
   */
  timeGain(runs: DockerfileInstruction[]): { value: number; basis: 'measured' | 'estimated'; ran: Step[] } {
    const steps = runs.map((r) => this.step(r));
    const ran = steps.filter((s): s is Step => s !== null && (s.status === 'ran' || s.status === 'error'));
    if (ran.length) return { value: reranSeconds(ran), basis: 'measured', ran };
    return {
      value: runs.reduce((sum, r) => sum + estimateSeconds(this.script(r).commands), 0),
      basis: 'estimated',
      ran,
    };
  }

  /** True when the file exists in the build context; null when the context is unknown. */
  inContext(relative: string): boolean | null {
    if (!this.contextDir) return null;
    let found = this.present.get(relative);
    if (found === undefined) this.present.set(relative, (found = existsSync(join(this.contextDir, relative))));
    return found;
  }

  /** A file of the build context as text; null when the context is unknown or the file cannot be read. */
  readContext(relative: string): string | null {
    if (!this.contextDir) return null;
    let text = this.files.get(relative);
    if (text === undefined) {
      try {
        text = readFileSync(join(this.contextDir, relative), 'utf8');
      } catch {
        text = null;
      }
      this.files.set(relative, text);
    }
    return text;
  }

  /** Steps of a stage between two instructions, exclusive, in order. */
  between(stage: DockerfileStage, a: DockerfileInstruction, b: DockerfileInstruction): DockerfileInstruction[] {
    // Instructions are in line order: the first after `a` is found by halving, not by a scan of the stage.
    const all = stage.instructions;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid].lines.start > a.lines.end) hi = mid;
      else lo = mid + 1;
    }
    const out: DockerfileInstruction[] = [];
    for (let i = lo; i < all.length && all[i].lines.start < b.lines.start; i++)
      if (all[i].lines.end < b.lines.start) out.push(all[i]);
    return out;
  }

  /** The stage a stage is built on (`FROM deps AS build`): an earlier one, or null. */
  baseOf(stage: DockerfileStage): DockerfileStage | null {
    if (!stage.baseIsStage) return null;
    const named = findStage(this.dockerfile, stage.base);
    return named && named.position < stage.position ? named : null;
  }

  /** The stages a stage is built on (`FROM deps AS build`), nearest last. */
  chain(stage: DockerfileStage): DockerfileStage[] {
    const chain: DockerfileStage[] = [];
    for (let base = this.baseOf(stage); base; base = this.baseOf(base)) chain.push(base);
    return chain.reverse();
  }

  /**
   * `step` folded over a stage's chain, its first base first (`acc` undefined there): each stage's value is kept,
   * so asking for every stage of a chain of thousands costs one step each, not the chain each time.
   */
  foldChain<T>(key: string, stage: DockerfileStage, step: (acc: T | undefined, s: DockerfileStage) => T): T {
    let known = this.folds.get(key) as Map<DockerfileStage, T> | undefined;
    if (!known) this.folds.set(key, (known = new Map()));
    const path: DockerfileStage[] = [];
    let s: DockerfileStage | null = stage;
    while (s && !known.has(s)) {
      path.push(s);
      s = this.baseOf(s);
    }
    let acc = s ? known.get(s) : undefined;
    for (let i = path.length - 1; i >= 0; i--) {
      acc = step(acc, path[i]);
      known.set(path[i], acc);
    }
    return acc!;
  }

  /** The stages whose layers end up in the image: the last one and those it is built on. */
  imageStages(): DockerfileStage[] {
    const last = this.dockerfile.stages[this.dockerfile.stages.length - 1];
    return last ? [...this.chain(last), last] : [];
  }

  /** The root cause that made a step re-run, when it did. */
  rootOf(step: Step | null): Step | null {
    if (!step?.miss) return null;
    const id = step.miss.role === 'root' ? step.id : step.miss.roots[0];
    return this.byId.get(id) ?? null;
  }

  /**
   * A suggestion and its edit: `after` is an edit of this Dockerfile (a window of its lines, diffed alone), or
   * the whole new text of `file`. Its evidence follows its gain: `data` ("seen in this build") exactly when the
   * gain was measured here (the protected step re-ran, or its layer was measured), so no text contradicts it.
   * The diff is written by `withDiff`, once the suggestion is known to be worth showing (many are not).
   */
  suggestion(
    s: Omit<Suggestion, 'file' | 'diff' | 'evidence'> & { after: string | LineEdit; file?: string; before?: string },
  ): Suggestion {
    const file = s.file ?? this.file;
    const { after, before } = s;
    // Copied key by key (what `{ ...rest }` of `{ after, before, ...rest }` does, in its order): the object rest
    // is a slow runtime call, made once per candidate and 100,000 times on a big Dockerfile.
    const made = {} as Record<string, unknown>;
    for (const key in s) if (key !== 'after' && key !== 'before') made[key] = s[key as keyof typeof s];
    made.file = file;
    made.evidence = s.gain.basis === 'measured' ? 'data' : 'static';
    made.diff = '';
    this.pending.set(made as unknown as Suggestion, () =>
      typeof after === 'string'
        ? unifiedDiff(file, before ?? this.text, after)
        : unifiedDiffOfEdit(file, this.text, this.lines.lines, after),
    );
    return made as unknown as Suggestion;
  }

  /** The suggestion with its diff written (a suggestion made elsewhere already has its own). */
  withDiff(s: Suggestion): Suggestion {
    const diff = this.pending.get(s);
    if (diff) {
      s.diff = diff();
      this.pending.delete(s);
    }
    return s;
  }
}

/** Seconds of steps that re-ran, when they did. */
export function reranSeconds(steps: (Step | null)[]): number {
  return steps.reduce((sum, s) => sum + (s && (s.status === 'ran' || s.status === 'error') ? (s.seconds ?? 0) : 0), 0);
}
