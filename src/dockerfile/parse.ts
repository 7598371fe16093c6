import { DockerfileParser, Instruction, JSONInstruction, type Heredoc } from 'dockerfile-ast';
import { scanInstructions } from './scan.js';

// dockerfile-ast scans an instruction's text again on every getArguments() (its JSONInstruction constructor
// alone does so three times: two thirds of parsing a 10,000-line Dockerfile). Nothing here edits an instruction
// after parsing, so each is scanned once; callers get a copy, as ModifiableInstruction shifts its flags off it.
// The scan is kept on the instruction itself: a WeakMap of 100,000 keys made every collection slower.
{
  type Scan = () => unknown[];
  const proto = Instruction.prototype as unknown as { getRawArguments: Scan };
  const scan = proto.getRawArguments;
  const SCANNED = Symbol('scanned arguments');
  proto.getRawArguments = function (this: { [SCANNED]?: unknown[] }) {
    return (this[SCANNED] ??= scan.call(this)).slice();
  };
}

// Each argument's range is two positionAt() calls on the document, a binary search of the line offsets
// each (a third of parsing). They come in file order, so the line of the last answer is tried first.
{
  interface Doc {
    positionAt(offset: number): { line: number; character: number };
    getText(): string;
    getLineOffsets?(): number[];
    ensureBeforeEOL?(offset: number, lineOffset: number): number;
    [LAST]?: number;
  }
  const LAST = Symbol('last line');
  const proto = Object.getPrototypeOf((DockerfileParser.parse('') as unknown as { document: Doc }).document) as Doc;
  const search = proto.positionAt;
  if (typeof proto.getLineOffsets === 'function' && typeof proto.ensureBeforeEOL === 'function') {
    proto.positionAt = function (this: Doc, offset: number) {
      const at = Math.max(Math.min(offset, this.getText().length), 0);
      const starts = this.getLineOffsets!();
      const line = this[LAST] ?? 0;
      if (line < starts.length && starts[line] <= at && (line + 1 === starts.length || at < starts[line + 1]))
        return { line, character: this.ensureBeforeEOL!(at, starts[line]) - starts[line] };
      const found = search.call(this, offset);
      this[LAST] = found.line;
      return found;
    };
  }
}

/** Instructions that BuildKit numbers as steps (`[stage i/n]`); ENV, ARG, CMD and the like are not. */
const COUNTED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

export interface DockerfileInstruction {
  keyword: string;
  /** The instruction as written, continuations joined and spaces collapsed (for comparing steps). */
  text: string;
  /** 1-based, inclusive. */
  lines: { start: number; end: number };
  /** COPY/ADD from the build context: the sources as written (context-relative). */
  sources: string[];
  /** Stages or images the step reads: `COPY --from=X`, `RUN --mount=...,from=X`. */
  from: string[];
}

export interface DockerfileArg {
  name: string;
  /** Line of the declaration (1-based). */
  line: number;
  /** The numbered step it comes before (1-based index in `steps`; steps.length + 1 at the end). */
  beforeIndex: number;
}

export interface DockerfileStage {
  /** 0-based position among the FROMs. */
  position: number;
  /** `AS name` (lower-cased, as BuildKit prints it), or null. */
  name: string | null;
  /** The image or stage it starts from (a stage as its lower-cased name; ARGs of the global scope resolved). */
  base: string;
  /** True when `base` is an earlier stage: then FROM is no step of its own. */
  baseIsStage: boolean;
  from: DockerfileInstruction;
  /** The numbered steps, as BuildKit numbers them: FROM first when the base is an image, then RUN/COPY/ADD/WORKDIR. */
  steps: DockerfileInstruction[];
  /** The `n` of BuildKit's `[stage i/n]`: the steps plus those it counts but never numbers (`WORKDIR /`). */
  total: number;
  /** ARGs declared inside the stage: in scope for the steps after them. */
  args: DockerfileArg[];
  /** Every instruction after FROM, numbered or not (ENV, USER, CMD...), in order. */
  instructions: DockerfileInstruction[];
}

export interface Dockerfile {
  stages: DockerfileStage[];
  /** ARGs before the first FROM (they parameterise FROM lines; a stage sees one only if it declares it again). */
  globalArgs: { name: string; value: string | null; line: number }[];
}

const continuations = new Map<string, RegExp>();

function normalise(text: string, escape: string): string {
  let continuation = continuations.get(escape);
  if (!continuation) continuations.set(escape, (continuation = new RegExp(`\\${escape}\\r?\\n`, 'g')));
  const joined = text.includes('\n') ? text.replace(continuation, ' ') : text;
  // Most instructions are one line of single spaces: nothing to collapse, so nothing is copied.
  return (/\s\s|[^\S ]/.test(joined) ? joined.replace(/\s+/g, ' ') : joined).trim();
}

function flagValues(inst: Instruction, name: string): string[] {
  const flags = (
    inst as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] }
  ).getFlags?.();
  return (flags ?? []).filter((f) => f.getName() === name).map((f) => f.getValue() ?? '');
}

/** `${NAME}`, `$NAME` and `${NAME:-default}` from the given values (one level, as dockerfile-ast). */
function substitute(text: string, values: Map<string, string | null>): string {
  return text.replace(/\$\{(\w+)(?::?[-+]([^}]*))?\}|\$(\w+)/g, (whole, braced, fallback, bare) => {
    const v = values.get(braced ?? bare);
    return v ?? fallback ?? whole;
  });
}

/**
 * True when `text` reads the variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`). The name is taken
 * literally: an ARG may be named `X(` or `A.B`, which would otherwise be read as a regex.
 */
export function readsVariable(text: string, name: string): boolean {
  const literal = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\$\\{?${literal}(?!\\w)`).test(text);
}

/** A word character as `\w` reads it (no `u` flag): A-Z, a-z, 0-9 and `_`. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The word names `text` reads (`$NAME`, `${NAME...`): for a name of word characters, `readsVariable(text, name)`
 * is `variablesRead(text).includes(name)`. Read once per instruction, then looked up per ARG.
 */
export function variablesRead(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('$'); at !== -1; at = text.indexOf('$', at + 1)) {
    let start = at + 1;
    if (text.charCodeAt(start) === 123) start++;
    let end = start;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    if (end > start) {
      const name = text.slice(start, end);
      if (!out.includes(name)) out.push(name);
    }
  }
  return out;
}

type Range = ReturnType<Instruction['getRange']>;

/** The text of a range, over the file's lines. */
function textOf(lines: string[], range: Range): string {
  const source = lines.slice(range.start.line, range.end.line + 1);
  source[source.length - 1] = source[source.length - 1].slice(0, range.end.character);
  source[0] = source[0].slice(range.start.character);
  return source.join('\n');
}

/**
 * The context sources of a COPY/ADD without --from: every argument but the destination. JSON form
 * (`COPY ["a b", "/dst/"]`) is read as JSON, as BuildKit reads it (dockerfile-ast's JSON strings drop
 * spaces); a here-document (`COPY <<EOF /dst`) is no source, and neither is its body.
 */
function copySources(inst: Instruction, lines: string[], escape: string): string[] {
  const open = inst instanceof JSONInstruction ? inst.getOpeningBracket() : null;
  const close = inst instanceof JSONInstruction ? inst.getClosingBracket() : null;
  if (open && close) {
    const text = textOf(lines, { start: open.getRange().start, end: close.getRange().end });
    try {
      const value: unknown = JSON.parse(text.replace(new RegExp(`\\${escape}[ \t]*\n`, 'g'), ''));
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.slice(0, -1);
    } catch {
      // not JSON: BuildKit reads it in shell form, as below
    }
  }
  // A here-document's body starts on the line after its `<<NAME`: its words are no arguments.
  const heredocs = (inst as unknown as { getHeredocs(): Heredoc[] }).getHeredocs();
  const lastLine = heredocs.length ? Math.max(...heredocs.map((h) => h.getStartRange().start.line)) : Infinity;
  return inst
    .getArguments()
    .filter((a) => a.getRange().start.line <= lastLine)
    .map((a) => a.getValue())
    .slice(0, -1)
    .filter((a) => !a.startsWith('<<'));
}

export interface ParseDockerfileOpts {
  /** Build-arg values given on the command line, which override ARG defaults in FROM lines. */
  buildArgs?: Record<string, string>;
  /** False: dockerfile-ast reads the whole file, as for files the scanner leaves to it (what tests compare). */
  scan?: boolean;
}

/** An instruction where it stands, and dockerfile-ast's reading of its words (made when asked for). */
interface Located {
  keyword: string;
  range: Range;
  /** The instruction, and the lines its ranges index. */
  read(): { inst: Instruction; lines: string[] };
  /** The instruction's text when the scanner found it on one line (see `plainWords`). */
  oneLine?: string;
}

/** A FROM, COPY or ADD of plain words only, as dockerfile-ast reads it: its `--flags`, then its arguments. */
interface PlainWords {
  flags: { name: string; value: string | null }[];
  args: string[];
}

/** One line of a keyword and words of these characters: no quote, escape, variable, here-document or JSON. */
const PLAIN = /^[A-Za-z]+(?: +[\w./:@=,+*?%~^-]+)+ *$/;

/**
 * The words of a one-line FROM, COPY or ADD with nothing to unquote or expand, read as dockerfile-ast reads them
 * (ModifiableInstruction: leading words with `--` are flags, `--name=value`); null for anything else, which
 * dockerfile-ast reads. A stage's FROM and its COPY of its own sources are unique lines: parsing each with
 * dockerfile-ast was a third of reading a long Dockerfile.
 */
export function plainWords(text: string): PlainWords | null {
  if (!PLAIN.test(text)) return null;
  const words = text.trim().split(/ +/).slice(1);
  let k = 0;
  while (k < words.length && words[k].startsWith('--')) k++;
  // dockerfile-ast goes on looking for flags past a word holding `--` elsewhere: such a text is left to it.
  for (let i = k; i < words.length; i++) if (words[i].includes('--')) return null;
  const flags = words.slice(0, k).map((w) => {
    const eq = w.indexOf('=');
    return eq === -1 ? { name: w.slice(2), value: null } : { name: w.slice(2, eq), value: w.slice(eq + 1) };
  });
  return { flags, args: words.slice(k) };
}

/** Every instruction as dockerfile-ast reads the whole file. */
function parsedWhole(content: string, lines: string[]): { escape: string; located: Located[] } {
  const df = DockerfileParser.parse(content);
  const located = df.getInstructions().map((inst) => ({
    keyword: inst.getKeyword().toUpperCase(),
    range: inst.getRange(),
    read: () => ({ inst, lines }),
  }));
  return { escape: df.getEscapeCharacter(), located };
}

/**
 * Every instruction as the scanner finds it (null for a file only dockerfile-ast reads): an instruction's words,
 * where they are needed, are dockerfile-ast's reading of its own text, once per distinct text.
 */
function scannedWhole(content: string): { escape: string; located: Located[] } | null {
  const scanned = scanInstructions(content);
  if (!scanned) return null;
  const read = new Map<string, { inst: Instruction; lines: string[] }>();
  // Offsets become positions in one pass: the instructions come in file order.
  let line = 0;
  let lineStart = 0;
  const position = (offset: number) => {
    for (let nl = content.indexOf('\n', lineStart); nl !== -1 && nl < offset; nl = content.indexOf('\n', lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    return { line, character: offset - lineStart };
  };
  const located = scanned.map(({ keyword, start, end }) => {
    const range = { start: position(start), end: position(end) };
    const own = () => {
      const text = content.slice(start, end);
      let found = read.get(text);
      if (!found) {
        found = { inst: DockerfileParser.parse(text).getInstructions()[0], lines: text.split('\n') };
        read.set(text, found);
      }
      return found;
    };
    const text = content.slice(start, end);
    return { keyword: keyword.toUpperCase(), range, read: own, oneLine: text.includes('\n') ? undefined : text };
  });
  return { escape: '\\', located };
}

/** Parses a Dockerfile into its stages and numbered steps, with line ranges and what each step reads. */
export function parseDockerfile(content: string, opts: ParseDockerfileOpts = {}): Dockerfile {
  // Line breaks as dockerfile-ast counts them (its ranges index these lines): CRLF, a lone CR, LF.
  const lines = content.split(/\r\n|\r|\n/);
  const { escape, located } = (opts.scan !== false && scannedWhole(content)) || parsedWhole(content, lines);
  const stages: DockerfileStage[] = [];
  const globalArgs: Dockerfile['globalArgs'] = [];
  const globalValues = new Map<string, string | null>();
  const stageNames = new Set<string>();
  for (const { keyword, range, read, oneLine } of located) {
    const plain =
      oneLine !== undefined && (keyword === 'FROM' || keyword === 'COPY' || keyword === 'ADD')
        ? plainWords(oneLine)
        : null;
    // Read only where used: RUN is most of a Dockerfile, and its arguments are words nothing here needs.
    const args = plain
      ? plain.args
      : keyword === 'ARG' || keyword === 'FROM' || keyword === 'WORKDIR'
        ? read()
            .inst.getArguments()
            .map((a) => a.getValue())
        : [];
    const step: DockerfileInstruction = {
      keyword,
      text: normalise(textOf(lines, range), escape),
      lines: { start: range.start.line + 1, end: range.end.line + 1 },
      sources: [],
      from: [],
    };
    const current = stages[stages.length - 1];
    if (current && keyword !== 'FROM') current.instructions.push(step);
    if (keyword === 'ARG') {
      const [name, value] = (args[0] ?? '').split(/=(.*)/s);
      if (!name) continue;
      if (!current) {
        const given = opts.buildArgs?.[name];
        globalArgs.push({ name, value: value ?? null, line: step.lines.start });
        globalValues.set(name, given ?? value ?? null);
      } else {
        current.args.push({ name, line: step.lines.start, beforeIndex: current.steps.length + 1 });
      }
      continue;
    }
    if (keyword === 'FROM') {
      const image = substitute(args[0] ?? '', globalValues);
      const asIndex = args.findIndex((a) => a.toUpperCase() === 'AS');
      const name = asIndex >= 0 ? (args[asIndex + 1] ?? '').toLowerCase() || null : null;
      const baseIsStage = stageNames.has(image.toLowerCase());
      // FROM is a step of its own only for an image: not for a stage, and not for scratch.
      const counted = !baseIsStage && image.toLowerCase() !== 'scratch';
      if (name !== null) stageNames.add(name);
      stages.push({
        position: stages.length,
        name,
        base: baseIsStage ? image.toLowerCase() : image,
        baseIsStage,
        from: step,
        steps: counted ? [step] : [],
        total: counted ? 1 : 0,
        args: [],
        instructions: [],
      });
      continue;
    }
    if (!COUNTED.has(keyword) || !current) continue;
    if (plain && (keyword === 'COPY' || keyword === 'ADD')) {
      step.from = plain.flags.filter((f) => f.name === 'from').map((f) => (f.value ?? '').toLowerCase());
      if (!step.from.length) step.sources = plain.args.slice(0, -1);
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const own = read();
      const from = flagValues(own.inst, 'from');
      step.from = from.map((f) => f.toLowerCase());
      // With --from the sources are paths in that stage or image, not in the context.
      if (!from.length) step.sources = copySources(own.inst, own.lines, escape);
    } else if (keyword === 'RUN' && step.text.includes('--')) {
      // A RUN without `--` has no flags: its words are not read at all.
      for (const mount of flagValues(read().inst, 'mount')) {
        const m = /(?:^|,)from=([^,]+)/.exec(mount);
        if (m) step.from.push(m[1].toLowerCase());
      }
    }
    current.total++;
    // Seen on BuildKit 0.8: `WORKDIR /` changes nothing, gets no vertex and no number, yet counts in `n`.
    if (keyword === 'WORKDIR' && args.length === 1 && args[0] === '/') continue;
    current.steps.push(step);
  }
  return { stages, globalArgs };
}

// Stages by name, per parsed file: looking a stage up is done per step and per reference (linear, not stages²).
const stageIndex = new WeakMap<Dockerfile, { count: number; byName: Map<string, DockerfileStage> }>();

function stagesByName(dockerfile: Dockerfile): Map<string, DockerfileStage> {
  let index = stageIndex.get(dockerfile);
  if (!index || index.count !== dockerfile.stages.length) {
    const byName = new Map<string, DockerfileStage>();
    // The first stage of a name wins, as a lookup in file order finds it.
    for (const s of dockerfile.stages) if (s.name !== null && !byName.has(s.name)) byName.set(s.name, s);
    index = { count: dockerfile.stages.length, byName };
    stageIndex.set(dockerfile, index);
  }
  return index.byName;
}

/** The stage a name refers to (`AS name`, or `stage-N` / a bare index as BuildKit and COPY --from allow). */
export function findStage(dockerfile: Dockerfile, ref: string): DockerfileStage | null {
  const lower = ref.toLowerCase();
  const named = stagesByName(dockerfile).get(lower);
  if (named) return named;
  const m = /^(?:stage-)?(\d+)$/.exec(lower);
  return m ? (dockerfile.stages[Number(m[1])] ?? null) : null;
}
