import { detach } from '../util/detach.js';
import { LineSplitter, MAX_LINE } from '../util/lines.js';
import { parseSeconds, parseSize, splitTimestamp, stripAnsi } from './text.js';
import { LOG_TAIL_LINES, VertexStore, warningFrom, type VertexState } from './vertex-store.js';
import { ACTION_FAILURE, POST_JOB, groupMarker, isWrapperLine } from './wrapper.js';
import type { BuildProblem, BuildWarning, ParsedBuild, VertexProgress } from './types.js';

const MAX_PROBLEMS = 20;
const BUILDER = /^building with "(.*)" instance using (\S+) driver/;
const DONE = /^DONE(?: (\d+(?:\.\d+)?)s)?$/;
// `<id> [<cur> [/ <total>]] [<secs>s] [done]`, as BuildKit's printer writes a status.
const STATUS =
  /^(.*?)(?: (\d+(?:\.\d+)?[kMGTPE]?i?B)(?: \/ (\d+(?:\.\d+)?[kMGTPE]?i?B))?)?(?: (\d+(?:\.\d+)?)s)?( done)?$/;
const WARNINGS_FOUND = /^\s*\d+ warnings? found\b/;
const SOURCE_BOX_HEAD = /^\S+:\d+$/;
const BOX_RULE = '--------------------';
/** `[stage 2/5] ...`, `[api linux/amd64 builder 2/5] ...`: a Dockerfile step's label. */
const STEP_LABEL = /^\[[^\]]*\b\d+\/\d+\]/;
/** The vertex that writes the image out: once it is done, the build's work is over. */
const IMAGE_EXPORT =
  /^(?:\[[^\]]*\] )?(?:exporting to (?:image|docker image format|oci image format|client)|importing to docker)/;
const BARE_ERROR = /^(?:executor failed running |failed to solve|failed to build|failed to compute cache key)/;
/**
 * The build's own last word on a failure, in every client's wording: `ERROR: failed to build: failed to
 * solve: ...` (buildx ≥ 0.21), `ERROR: failed to solve: ...`, `error: failed to solve: ...` (buildx < 0.9),
 * bare `failed to solve: ...` / `failed to solve with frontend dockerfile.v0: ...` (Docker 20.10, compose),
 * `ERROR: target api: failed to solve: ...` (bake), `ERROR: Service 'api' failed to build` (compose v1).
 * It ends whatever vertex block is open, even when no blank line came before it.
 */
const FINAL_ERROR =
  /^(?:(?:ERROR|error):?\s*)?(?:failed to (?:solve|build|compute cache key)\b|executor failed running \[|target [^\s:]+: failed to (?:solve|build)|Service '[^']*' failed to build)/;
/** BuildKit's error box rule is 6 dashes; pasted copies have 5 (and lose the space before ` > [7/8] ...:`). */
const ERROR_BOX_RULE = /^-{5,6}$/;

type Section = 'progress' | 'errorBox' | 'warnings' | 'sourceBox';

/**
 * The seconds of the last log prefix `logPrefixLength` read (BuildKit's time since the vertex started). A field,
 * not a module `let`: Node 20 boxes each number stored in a `let` anew, once per log line; a field's is updated in place.
 */
const prefix = { seconds: 0 };

/**
 * For `12.34 text` / `8527.6` / `0.443 ` (a log line's seconds-since-start prefix) starting at
 * `from`: the index where the log text begins; 0 when it is no log line. Sets `prefix.seconds`.
 */
function logPrefixLength(rest: string, from: number, n = rest.length): number {
  let i = from;
  let whole = 0;
  let c = 0;
  while (i < n && (c = rest.charCodeAt(i)) >= 48 && c <= 57) {
    whole = whole * 10 + (c - 48);
    i++;
  }
  if (i === from || i >= n || rest.charCodeAt(i) !== 46) return 0;
  const dot = ++i;
  let fraction = 0;
  let scale = 1;
  while (i < n && (c = rest.charCodeAt(i)) >= 48 && c <= 57) {
    if (scale < 1e6) {
      fraction = fraction * 10 + (c - 48);
      scale *= 10;
    }
    i++;
  }
  if (i === dot) return 0;
  if (i !== n && rest.charCodeAt(i) !== 32) return 0;
  prefix.seconds = whole + fraction / scale;
  return i === n ? i : i + 1;
}

/**
 * Streaming parser for BuildKit's plain progress (`--progress=plain`), every version:
 * `#N sha256:` lines (< 0.9), `#N ...` switches and re-printed headers, statuses, logs,
 * endings, inline `WARN`, error and source boxes, the warnings block and final `ERROR:`,
 * bake/platform prefixes and GitHub Actions timestamps.
 */
export class PlainParser {
  private readonly store = new VertexStore();
  private readonly byNumber = new Map<number, VertexState>();
  /** The vertex of the last log line: the next line is most often the same vertex's. */
  private lastLog: { n: number; v: VertexState } | null = null;
  /**
   * A run of log lines of one vertex in one piece of text, held as offsets until it ends (see `endRun`): only the
   * last LOG_TAIL_LINES of a run can stay in the vertex's tail, so only those are cut out.
   */
  private runVertex: VertexState | null = null;
  private runNumber = 0;
  /** The text or the bytes the run's lines lie in. */
  private runText: string | Buffer = '';
  private runLines = 0;
  private runAt = 0;
  private readonly runStarts = new Int32Array(LOG_TAIL_LINES);
  private readonly runEnds = new Int32Array(LOG_TAIL_LINES);
  private readonly splitter = new LineSplitter({
    ranges: (text, start, end, overlong, escapes) => this.range(text, start, end, overlong, escapes),
    bytes: (bytes, start, limit) => this.byteLines(bytes, start, limit),
  });
  private builder: ParsedBuild['builder'] = null;
  private readonly blockWarnings: BuildWarning[] = [];
  private readonly otherWarnings: BuildWarning[] = [];
  private readonly errors: string[] = [];
  /** The failure as the wrapping action reported it: the build's error when the log lost its own. */
  private readonly wrapperErrors: string[] = [];
  /** Inside a runner's `##[group]` fold: what is not progress belongs to the runner. */
  private inGroup = false;
  /** After the runner's `Post job cleanup.`: what is not progress is the runner's. */
  private postJob = false;
  /** The image was exported and no vertex began since: the build's work is over. */
  private afterExport = false;
  /** Builds seen before the current one (a log can hold several). */
  private generation = 0;
  private readonly problems: BuildProblem[] = [];
  private unreadable = 0;
  private lines = 0;
  private prevBlank = true;
  private seenVertexLine = false;
  private tail = false;
  private current: VertexState | null = null;
  /** The last vertex that ended in error: an error box names it, which recovers a name a tail lost. */
  private lastErrored: VertexState | null = null;
  private section: Section = 'progress';
  private firstMs: number | null = null;
  private lastMs: number | null = null;

  push(chunk: string | Uint8Array): void {
    this.splitter.push(chunk);
  }

  end(): ParsedBuild {
    const unfinished = this.splitter.end();
    this.endRun();
    if (unfinished && this.current) {
      this.problem(this.lines, 'the log ends in the middle of a line');
    }
    const vertices = this.store.finish();
    const inline = vertices.flatMap((v) => v.warnings.map((w) => warningFrom(w, v.key)));
    const warnings = [...(this.blockWarnings.length ? this.blockWarnings : inline), ...this.otherWarnings];
    if (this.unreadable > MAX_PROBLEMS) {
      this.problems.push({ line: null, message: `${this.unreadable - MAX_PROBLEMS} more lines could not be read` });
    }
    return {
      format: 'plain',
      builder: this.builder,
      vertices,
      warnings,
      errors: this.errors.length ? this.errors : this.wrapperErrors.slice(0, 1),
      problems: this.problems,
      truncated: this.tail,
      startedAtMs: this.firstMs,
      endedAtMs: this.lastMs,
      lines: this.lines,
    };
  }

  /**
   * The hot path: a `#N <secs> text` log line of plain text is read where it lies, its text cut out once; any
   * other line is cut out and read by `line`.
   */
  private range(text: string, start: number, end: number, overlong: boolean, escapes: boolean): void {
    if (!overlong && !escapes && text.charCodeAt(start) === 35 && !this.prevBlank) {
      let i = start + 1;
      let n = 0;
      for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i)) n = n * 10 + (c - 48);
      if (i > start + 1 && i < end && text.charCodeAt(i) === 32) {
        const logLen = logPrefixLength(text, i + 1, end);
        if (logLen > 0) {
          this.lines++;
          this.runLine(n, text, logLen, end, prefix.seconds);
          this.prevBlank = false;
          return;
        }
      }
    }
    this.endRun();
    this.line(start === 0 && end === text.length ? text : text.slice(start, end), overlong);
  }

  /**
   * The hot path over bytes (most of a log, never decoded): the `#N <secs> text` log lines from `start` on are read
   * where they lie, up to the first other line (or one reaching `limit`), which the splitter decodes and gives to
   * `range`. The loop keeps the run's counters in locals and writes them back when it leaves or the run changes.
   */
  private byteLines(bytes: Buffer, start: number, limit: number): number {
    if (this.prevBlank) return start;
    let at = start;
    let lines = 0;
    let v = this.runText === bytes ? this.runVertex : null;
    let runN = this.runNumber;
    let runAt = this.runAt;
    let runLines = this.runLines;
    // The run's latest seconds, stored once it ends: a number stored in a field on every line allocated a box each.
    let max = v === null ? 0 : v.maxElapsed;
    const starts = this.runStarts;
    const ends = this.runEnds;
    for (;;) {
      const nl = bytes.indexOf(10, at);
      if (nl === -1 || nl >= limit || nl - at > MAX_LINE || bytes[at] !== 35) break;
      // `#N `
      let i = at + 1;
      let n = 0;
      let c = bytes[i];
      for (; i < nl && c >= 48 && c <= 57; c = bytes[++i]) n = n * 10 + (c - 48);
      if (i === at + 1 || i >= nl || c !== 32) break;
      // `<secs>` then a space or the end: `logPrefixLength`'s rule, read here so the seconds stay in a local
      const end = bytes[nl - 1] === 13 ? nl - 1 : nl;
      const from = ++i;
      let whole = 0;
      for (c = bytes[i]; i < end && c >= 48 && c <= 57; c = bytes[++i]) whole = whole * 10 + (c - 48);
      if (i === from || i >= end || c !== 46) break;
      const dot = ++i;
      let fraction = 0;
      let scale = 1;
      for (c = bytes[i]; i < end && c >= 48 && c <= 57; c = bytes[++i]) {
        if (scale < 1e6) {
          fraction = fraction * 10 + (c - 48);
          scale *= 10;
        }
      }
      if (i === dot || (i !== end && c !== 32)) break;
      if (v === null || n !== runN) {
        if (v !== null && max > v.maxElapsed) v.maxElapsed = max;
        this.runAt = runAt;
        this.runLines = runLines;
        this.endRun();
        v = this.logVertex(n);
        this.runVertex = v;
        this.runNumber = runN = n;
        this.runText = bytes;
        runAt = 0;
        runLines = 0;
        max = v.maxElapsed;
      }
      const seconds = whole + fraction / scale;
      if (seconds > max) max = seconds;
      starts[runAt] = i === end ? i : i + 1;
      ends[runAt] = end;
      runAt = runAt + 1 === LOG_TAIL_LINES ? 0 : runAt + 1; // line i of the run at i % LOG_TAIL_LINES
      runLines++;
      lines++;
      at = nl + 1;
    }
    if (v !== null && max > v.maxElapsed) v.maxElapsed = max;
    this.runAt = runAt;
    this.runLines = runLines;
    this.lines += lines;
    return at;
  }

  /** The hot path's log line, `text` from `start` to `end`: counted now, cut out when its run ends if it is kept. */
  private runLine(n: number, text: string, start: number, end: number, elapsed: number): void {
    // Within a run nothing else was read since its first line: the vertex and the parser's state are as it left them.
    if (this.runVertex === null || n !== this.runNumber || text !== this.runText) {
      this.endRun();
      this.runVertex = this.logVertex(n);
      this.runNumber = n;
      this.runText = text;
    }
    const v = this.runVertex;
    if (elapsed > v.maxElapsed) v.maxElapsed = elapsed;
    const at = this.runAt;
    this.runAt = at + 1 === LOG_TAIL_LINES ? 0 : at + 1; // line i of the run at i % LOG_TAIL_LINES
    this.runLines++;
    this.runStarts[at] = start;
    this.runEnds[at] = end;
  }

  /** Ends the run of log lines: the lines before its last LOG_TAIL_LINES are only counted, the rest kept. */
  private endRun(): void {
    const v = this.runVertex;
    if (v === null) return;
    const total = this.runLines;
    const from = Math.max(0, total - LOG_TAIL_LINES);
    v.logLines += from;
    const text = this.runText;
    for (let i = from; i < total; i++) {
      const at = i % LOG_TAIL_LINES;
      VertexStore.addLog(
        v,
        typeof text === 'string'
          ? text.slice(this.runStarts[at], this.runEnds[at])
          : text.toString('utf8', this.runStarts[at], this.runEnds[at]),
      );
    }
    this.runVertex = null;
    this.runText = '';
    this.runLines = 0;
    this.runAt = 0;
  }

  private line(raw: string, overlong: boolean): void {
    this.lines++;
    if (overlong) this.problem(this.lines, 'line is longer than 1 MiB; only its start was read');
    // Only a line starting with a digit can carry a GitHub Actions timestamp.
    const c = raw.charCodeAt(0);
    let ms: number | null = null;
    let rest = raw;
    if (c >= 48 && c <= 57) {
      ({ ms, rest } = splitTimestamp(raw));
    }
    const line = stripAnsi(rest);
    if (line.length === 0 || (line.charCodeAt(0) === 32 && line.trim() === '')) {
      this.prevBlank = true;
      return;
    }
    if (line.charCodeAt(0) === 35) {
      // `#N`: the number is read digit by digit, no substring made (this runs for every log line).
      let i = 1;
      let n = 0;
      for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) n = n * 10 + (c - 48);
      if (i > 1 && (i === line.length || line.charCodeAt(i) === 32)) {
        const logLen = logPrefixLength(line, i + 1);
        if (logLen > 0 && !this.prevBlank) this.logLine(n, line.slice(logLen), ms, prefix.seconds);
        else this.vertexLine(n, line.slice(i + 1), ms);
        this.prevBlank = false;
        if (ms !== null) this.stamp(ms);
        return;
      }
    }
    // Lines of the tools around the build are transparent: they change nothing, not even the blank line before,
    // and their times are not the build's (the runner's steps before and after it).
    if (this.otherLine(line)) {
      this.prevBlank = false;
      if (ms !== null && this.seenVertexLine) this.stamp(ms);
    }
  }

  /** The build's clock: earliest and latest, not first and last (interleaved job logs can step back in time). */
  private stamp(ms: number): void {
    if (this.firstMs === null || ms < this.firstMs) this.firstMs = ms;
    if (this.lastMs === null || ms > this.lastMs) this.lastMs = ms;
  }

  private vertexLine(n: number, rest: string, ms: number | null): void {
    if (n === 0) {
      const m = BUILDER.exec(rest);
      if (m) this.builder = { name: detach(m[1]), driver: detach(m[2]) };
      return;
    }
    const first = !this.seenVertexLine;
    this.seenVertexLine = true;
    this.section = 'progress';
    let v = this.byNumber.get(n);
    const logLen = logPrefixLength(rest, 0);
    // `#1` headed again under another name: the log holds a further build, numbered from 1 again.
    // (Logs that lost their blank lines: a bracketed name is a header, never a status line.)
    if (
      n === 1 &&
      v &&
      v.name !== null &&
      (this.prevBlank || rest.charCodeAt(0) === 91) &&
      logLen === 0 &&
      rest !== v.name &&
      !isEnding(rest)
    ) {
      this.nextBuild();
      v = undefined;
    }

    // BuildKit prints a blank line before each header; logs that lost their blank lines (copies, some log
    // stores) still head a vertex with its first line, and repeat its name when the printer returns to it.
    // A named vertex is headed again only by its own name: after a blank line, any other text is one of its
    // status lines (pasted logs put blank lines inside blocks).
    if (logLen === 0 && !isEnding(rest) && (!v || (v.name === null ? this.prevBlank : rest === v.name))) {
      // A header: a new vertex, or one the printer returns to.
      // BuildKit numbers vertices from 1 (0.8 may print #2 before #1): a log whose first vertex is #3 or
      // later lost its start (a pasted or cut tail).
      if (first && n > 2) this.tail = true;
      if (!v) {
        v = this.create(n);
        if (STEP_LABEL.test(rest)) this.afterExport = false; // a step began: the build goes on
      }
      if (v.name === null) v.name = detach(rest);
      this.current = v;
      VertexStore.touch(v, ms);
      return;
    }
    if (first) this.tail = true; // the log starts inside a vertex: it is a tail
    if (!v) v = this.create(n);
    VertexStore.touch(v, ms);

    if (logLen > 0) {
      if (prefix.seconds > v.maxElapsed) v.maxElapsed = prefix.seconds;
      VertexStore.addLog(v, rest.slice(logLen));
      return;
    }
    if (rest === '...') {
      this.current = null;
      return;
    }
    if (rest === 'CACHED') return this.ending(v, 'cached');
    if (rest === 'CANCELED') return this.ending(v, 'canceled');
    if (rest.startsWith('ERROR')) {
      v.error = detach(rest.replace(/^ERROR:?\s*/, ''));
      return this.ending(v, 'error');
    }
    if (rest.startsWith('DONE')) {
      const m = DONE.exec(rest);
      if (m) {
        v.doneSeconds = m[1] === undefined ? null : parseSeconds(m[1]);
        return this.ending(v, 'done');
      }
    }
    if (rest.startsWith('WARN: ')) {
      VertexStore.addWarning(v, rest.slice(6));
      return;
    }
    if (v.digest === null && /^sha256:[0-9a-f]{64}$/.test(rest)) {
      v.digest = detach(rest);
      return;
    }
    VertexStore.setProgress(v, parseStatus(rest));
  }

  /** `#N <secs> text` with a runner's timestamp (the hot path's lines go through `runLine`). */
  private logLine(n: number, text: string, ms: number | null, elapsed: number): void {
    const v = this.logVertex(n);
    if (elapsed > v.maxElapsed) v.maxElapsed = elapsed;
    if (ms !== null) VertexStore.touch(v, ms);
    VertexStore.addLog(v, text);
  }

  /** The vertex a log line `#N <secs> ...` belongs to. */
  private logVertex(n: number): VertexState {
    const last = this.lastLog;
    let v = last !== null && last.n === n ? last.v : this.byNumber.get(n);
    if (!this.seenVertexLine) this.tail = true; // the log starts inside a vertex: it is a tail
    this.seenVertexLine = true;
    this.section = 'progress';
    if (!v) v = this.create(n);
    if (last === null || last.v !== v) this.lastLog = { n, v };
    return v;
  }

  /** Vertices of a later build in the same log are new ones, whatever their numbers. */
  private nextBuild(): void {
    this.generation++;
    this.byNumber.clear();
    this.lastLog = null;
    this.current = null;
  }

  private create(n: number): VertexState {
    // Only called for a number this build has not seen: its key is new to the store.
    const v = this.store.create(this.generation ? `#${n}@${this.generation + 1}` : `#${n}`, n);
    this.byNumber.set(n, v);
    this.lastLog = null;
    return v;
  }

  private ending(v: VertexState, outcome: VertexState['outcome']): void {
    v.outcome = outcome;
    if (outcome === 'done' && v.name !== null && IMAGE_EXPORT.test(v.name)) this.afterExport = true;
    VertexStore.settle(v);
    this.current = null;
    if (outcome === 'error') this.lastErrored = v;
  }

  /** A line without `#N`; false when it is a wrapper's line (it is skipped as if it were not there). */
  private otherLine(line: string): boolean {
    if (isWrapperLine(line)) {
      const group = groupMarker(line);
      if (group) this.inGroup = group === 'open';
      if (POST_JOB.test(line)) this.postJob = true;
      const failure = ACTION_FAILURE.exec(line);
      if (failure && this.wrapperErrors.length === 0)
        this.wrapperErrors.push(detach(failure[1].replace(/^ERROR:?\s*/, '')));
      return false;
    }
    if (this.section !== 'errorBox' && this.section !== 'sourceBox' && FINAL_ERROR.test(line)) {
      this.current = null;
      this.section = 'progress';
      this.errors.push(detach(line.replace(/^(?:ERROR|error):?\s*/, '')));
      return true;
    }
    // Inside an open vertex block, a line without `#N` is that vertex's output (old clients
    // and some copies lose the prefix).
    if (this.current) {
      VertexStore.addLog(this.current, line);
      return true;
    }
    if (ERROR_BOX_RULE.test(line)) {
      this.section = this.section === 'errorBox' ? 'progress' : 'errorBox';
      return true;
    }
    if (this.section === 'errorBox') {
      // ` > [4/9] RUN make:` heads the box; the rest repeats the failing step's log tail.
      const head = /^ ?> (.*):$/.exec(line);
      if (head && this.lastErrored && this.lastErrored.name === null) this.lastErrored.name = detach(head[1]);
      return true;
    }
    if (line === BOX_RULE) {
      this.section = this.section === 'sourceBox' ? 'progress' : 'sourceBox';
      return true;
    }
    if (this.section === 'sourceBox') return true; // Dockerfile excerpt around the failing line
    if (line.startsWith('ERROR')) {
      this.errors.push(detach(line.replace(/^ERROR:?\s*/, '')));
      return true;
    }
    if (BARE_ERROR.test(line)) {
      // Docker 20.10's CLI ends a failed build with the error alone, without `ERROR:`.
      this.errors.push(detach(line));
      return true;
    }
    if (WARNINGS_FOUND.test(line)) {
      this.section = 'warnings';
      return true;
    }
    const item = /^\s*- (.*)$/.exec(line);
    if (this.section === 'warnings' && item) {
      this.blockWarnings.push(warningFrom(item[1], null));
      return true;
    }
    if (line.startsWith('WARNING: ')) {
      this.otherWarnings.push(warningFrom(line.slice(9), null));
      return true;
    }
    if (SOURCE_BOX_HEAD.test(line)) return true; // `Dockerfile:29` above a source box
    if (!this.seenVertexLine) return true; // whatever came before the build (CI banners)
    // The runner's own output: folded (inputs, Docker info, metadata), or its post-job steps after the build;
    // and what follows the image export (the script's next command, the container's own log).
    if (this.inGroup || this.postJob || this.afterExport) return false;
    this.unreadable++;
    if (this.unreadable <= MAX_PROBLEMS) this.problem(this.lines, `not BuildKit progress: ${excerpt(line)}`);
    return true;
  }

  private problem(line: number | null, message: string): void {
    this.problems.push({ line, message });
  }
}

function isEnding(rest: string): boolean {
  return (
    rest === 'CACHED' ||
    rest === 'CANCELED' ||
    rest === '...' ||
    rest.startsWith('ERROR') ||
    DONE.test(rest) ||
    rest.startsWith('WARN: ')
  );
}

function parseStatus(rest: string): VertexProgress {
  const m = STATUS.exec(rest);
  if (!m) return { id: rest, current: null, total: null, done: false, seconds: null };
  return {
    id: m[1],
    current: m[2] ? parseSize(m[2]) : null,
    total: m[3] ? parseSize(m[3]) : null,
    done: m[5] !== undefined,
    seconds: m[4] ? parseSeconds(m[4]) : null,
  };
}

function excerpt(line: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}
