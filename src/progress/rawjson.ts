import { Utf8Pieces } from '../util/utf8.js';
import { LineSplitter } from '../util/lines.js';
import { splitTimestamp, stripAnsi } from './text.js';
import { LOG_TAIL_LINES, VertexStore, warningFrom, type VertexState } from './vertex-store.js';
import type { BuildProblem, BuildWarning, ParsedBuild } from './types.js';

const MAX_PROBLEMS = 20;
const CANCELED = 'context canceled';

// Wire types: client.SolveStatus as buildx `--progress=rawjson` prints it (moby/buildkit client/graph.go).
interface WireVertex {
  digest?: string;
  inputs?: string[];
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}
interface WireStatus {
  id?: string;
  vertex?: string;
  current?: number;
  total?: number;
  started?: string;
  completed?: string;
}
interface WireLog {
  vertex?: string;
  data?: string;
}
interface WireWarning {
  vertex?: string;
  short?: string;
}
interface SolveStatus {
  vertexes?: WireVertex[];
  statuses?: WireStatus[];
  logs?: WireLog[];
  warnings?: WireWarning[];
}

function time(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  // Go's zero time (0001-01-01) means "not set".
  return Number.isNaN(ms) || ms < 0 ? null : ms;
}

/** A number JSON gave, unless it is none or not finite (JSON.parse reads `1e999` as Infinity). */
function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The fields of a SolveStatus (moby/buildkit client.SolveStatus as buildx prints it). */
const STATUS_FIELDS = new Set(['vertexes', 'statuses', 'logs', 'warnings']);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Streaming parser for buildx `--progress=rawjson`: one SolveStatus per line, vertices re-sent
 * whole on every change, several run intervals per vertex, base64 logs cut anywhere (inside a
 * line or a UTF-8 character), and non-JSON lines (a final `ERROR:`) mixed in.
 */
export class RawJsonParser {
  private readonly store = new VertexStore();
  private readonly splitter = new LineSplitter((line, overlong) => this.line(line, overlong));
  /** Per vertex: its log bytes not read yet, the unfinished last line and a decoder holding a cut character. */
  private readonly partial = new Map<string, LogState>();
  private readonly warnings: BuildWarning[] = [];
  private readonly errors: string[] = [];
  private readonly problems: BuildProblem[] = [];
  private unreadable = 0;
  private lines = 0;
  private firstMs: number | null = null;
  private lastMs: number | null = null;

  push(chunk: string | Uint8Array): void {
    this.splitter.push(chunk);
  }

  end(): ParsedBuild {
    this.splitter.end();
    for (const [key, p] of this.partial) {
      const v = this.store.getOrCreate(key);
      readHeld(v, p);
      const rest = p.text + p.decoder.end();
      if (rest) VertexStore.addLog(v, stripAnsi(stripCr(rest))); // an unfinished last line is read as the others
    }
    this.partial.clear();
    if (this.unreadable > MAX_PROBLEMS) {
      this.problems.push({ line: null, message: `${this.unreadable - MAX_PROBLEMS} more lines could not be read` });
    }
    return {
      format: 'rawjson',
      builder: null,
      // rawjson sends the whole graph up front; a vertex that never started was never reached
      // (a failed build stops first). Plain logs never print those, so neither does the report.
      vertices: this.store.finish((v) => (v.runs !== null && v.runs.size > 0) || v.outcome !== 'unfinished'),
      warnings: this.warnings,
      errors: this.errors,
      problems: this.problems,
      truncated: false,
      startedAtMs: this.firstMs,
      endedAtMs: this.lastMs,
      lines: this.lines,
    };
  }

  private line(raw: string, overlong: boolean): void {
    this.lines++;
    if (overlong) return this.unreadableLine('line is longer than 1 MiB; skipped');
    // Nearly every line is a bare JSON object: no timestamp to split off, nothing to allocate first.
    const line = raw.charCodeAt(0) === 123 ? raw : splitTimestamp(raw).rest;
    const start = line.indexOf('{');
    if (start === -1 || line.slice(0, start).trim() !== '') return this.textLine(line);
    let msg: unknown;
    try {
      msg = JSON.parse(start === 0 ? line : line.slice(start));
    } catch {
      return this.unreadableLine('not valid JSON');
    }
    if (!isObject(msg)) return this.unreadableLine('not a progress record');
    // Valid JSON that is no SolveStatus (none of its fields) is not progress: counted, never dropped silently.
    const keys = Object.keys(msg);
    if (keys.length && !keys.some((k) => STATUS_FIELDS.has(k))) return this.unreadableLine('not a progress record');
    this.apply(msg as SolveStatus);
  }

  private textLine(line: string): void {
    const text = stripAnsi(line).trim();
    if (text === '') return;
    if (/^[[\d"-]|^(true|false|null)$/.test(text) && isJson(text)) return this.unreadableLine('not a progress record');
    if (text.startsWith('ERROR')) this.errors.push(text.replace(/^ERROR:?\s*/, ''));
    else if (text.startsWith('WARNING: ')) this.warnings.push(warningFrom(text.slice(9), null));
    // Other plain lines (buildx notices) carry nothing for the report.
  }

  private unreadableLine(why: string): void {
    this.unreadable++;
    if (this.unreadable <= MAX_PROBLEMS) this.problems.push({ line: this.lines, message: why });
  }

  private apply(msg: SolveStatus): void {
    if (Array.isArray(msg.vertexes)) for (const v of msg.vertexes) if (isObject(v)) this.vertex(v);
    if (Array.isArray(msg.statuses)) for (const s of msg.statuses) if (isObject(s)) this.status(s);
    if (Array.isArray(msg.logs)) for (const l of msg.logs) if (isObject(l)) this.log(l);
    if (Array.isArray(msg.warnings)) for (const w of msg.warnings) if (isObject(w)) this.warning(w);
  }

  private seen(ms: number | null): void {
    if (ms === null) return;
    if (this.firstMs === null || ms < this.firstMs) this.firstMs = ms;
    if (this.lastMs === null || ms > this.lastMs) this.lastMs = ms;
  }

  private vertex(w: WireVertex): void {
    if (typeof w.digest !== 'string' || w.digest === '') return;
    const v = this.store.getOrCreate(w.digest, null, w.digest);
    if (typeof w.name === 'string' && w.name !== '') v.name = w.name;
    if (Array.isArray(w.inputs)) v.inputs = w.inputs.filter((i): i is string => typeof i === 'string');
    const started = time(w.started);
    const completed = time(w.completed);
    this.seen(started);
    this.seen(completed);
    if (started !== null) {
      // One interval per distinct start; a re-sent vertex with the same start updates its end.
      const runs = (v.runs ??= new Map());
      const end = runs.get(started);
      runs.set(started, completed ?? (end !== undefined && Number.isFinite(end) ? end : NaN));
    }
    const error = typeof w.error === 'string' ? w.error : '';
    v.error = error || null;
    if (error) v.outcome = error.endsWith(CANCELED) ? 'canceled' : 'error';
    else if (w.cached === true) v.outcome = 'cached';
    else if (completed !== null) v.outcome = 'done';
    else v.outcome = 'unfinished';
    // Settling trims the tail of a step that ended well: the lines it was sent so far are read first.
    const p = this.partial.get(w.digest);
    if (p !== undefined) {
      readHeld(v, p);
      if (v.outcome !== 'unfinished') p.held = null; // a vertex that ended is rarely sent more
    }
    VertexStore.settle(v);
  }

  private status(s: WireStatus): void {
    if (typeof s.vertex !== 'string' || typeof s.id !== 'string') return;
    const v = this.store.getOrCreate(s.vertex, null, s.vertex);
    const total = finite(s.total);
    const started = time(s.started);
    const completed = time(s.completed);
    VertexStore.setProgress(v, {
      id: s.id,
      current: finite(s.current),
      total: total !== null && total > 0 ? total : null,
      done: completed !== null,
      seconds: started !== null && completed !== null && completed >= started ? (completed - started) / 1000 : null,
    });
  }

  /**
   * A record of a vertex's output. Its bytes are held, not read: a vertex keeps only its last LOG_TAIL_LINES lines,
   * so lines are cut out and decoded only once enough are held (or when the vertex settles, or at the end), and
   * then only the last ones. Decoding and splitting each record's lines as it came was a quarter of rawjson parsing.
   */
  private log(l: WireLog): void {
    if (typeof l.vertex !== 'string' || typeof l.data !== 'string') return;
    const v = this.store.getOrCreate(l.vertex, null, l.vertex);
    let p = this.partial.get(l.vertex);
    if (!p) {
      p = { text: '', decoder: new Utf8Pieces(), held: null, heldBytes: 0, heldNewlines: 0 };
      this.partial.set(l.vertex, p);
    }
    // Decoded into the vertex's own buffer: no buffer per record, none kept alive by a small one's pool.
    const most = (l.data.length >>> 2) * 3 + 3;
    const at = p.heldBytes;
    if (p.held === null || p.held.length - at < most) {
      const bigger = Buffer.allocUnsafe(Math.max(1024, 2 * (at + most)));
      if (p.held !== null) p.held.copy(bigger, 0, 0, at);
      p.held = bigger;
    }
    const end = at + p.held.write(l.data, at, 'base64');
    p.heldBytes = end;
    // Past what this record wrote lie bytes of earlier reads, or none: a newline put there stops the count's search
    // (a record without one searched on to the buffer's end); the next record writes over it.
    if (end < p.held.length) p.held[end] = 10;
    for (let i = p.held.indexOf(10, at); i !== -1 && i < end; i = p.held.indexOf(10, i + 1)) p.heldNewlines++;
    if (p.heldNewlines > HOLD_LINES || end > HOLD_BYTES) {
      readHeld(v, p);
      if (p.held!.length > 2 * HOLD_BYTES) p.held = null; // a record far larger than most: not kept for the next
    }
  }

  private warning(w: WireWarning): void {
    if (typeof w.short !== 'string') return;
    const message = Buffer.from(w.short, 'base64').toString('utf8');
    const key = typeof w.vertex === 'string' ? w.vertex : null;
    if (key) VertexStore.addWarning(this.store.getOrCreate(key, null, key), message);
    this.warnings.push(warningFrom(message, key));
  }
}

/** A vertex's log as read so far. */
interface LogState {
  /** The unfinished last line. */
  text: string;
  /** Holds a character cut by the bytes read last. */
  decoder: Utf8Pieces;
  /** Bytes received and not yet read (`heldBytes` of them), with the newlines among them. */
  held: Buffer | null;
  heldBytes: number;
  heldNewlines: number;
}

/** Held log bytes are read once they hold this many lines (a few tails' worth) or bytes. */
const HOLD_LINES = 4 * (LOG_TAIL_LINES + 1);
const HOLD_BYTES = 64 * 1024;
/** What is kept of a line not finished yet. */
const UNFINISHED_CHARS = 1 << 16;

/**
 * Reads the bytes held for a vertex as its log: lines before its last LOG_TAIL_LINES are counted, not decoded, and
 * the last, unfinished, one is kept for the bytes to come.
 */
function readHeld(v: VertexState, p: LogState): void {
  if (p.held === null || p.heldBytes === 0) return;
  let bytes = p.held.subarray(0, p.heldBytes);
  const newlines = p.heldNewlines;
  p.heldBytes = 0;
  p.heldNewlines = 0;
  const cut = tailStart(bytes, LOG_TAIL_LINES + 1);
  if (cut > 0) {
    VertexStore.countLogs(v, newlines - LOG_TAIL_LINES); // all but the LOG_TAIL_LINES newlines after the cut
    bytes = bytes.subarray(cut);
    p.text = '';
    p.decoder = new Utf8Pieces(); // what it held belonged to a line just counted
  }
  const decoded = p.decoder.write(bytes);
  const text = p.text ? p.text + decoded : decoded;
  const parts = text.split('\n');
  p.text = parts.pop() ?? '';
  // A line that never ends stays bounded. Its start is kept, the part a tail shows (as the plain parser does); it is
  // the same however the bytes were held, where keeping its end depended on when they were read.
  if (p.text.length > UNFINISHED_CHARS) p.text = p.text.slice(0, UNFINISHED_CHARS);
  for (const part of parts) VertexStore.addLog(v, stripAnsi(stripCr(part)));
}

/** Byte offset just after the newline that has `lines` newlines after it (itself included); 0 when fewer. */
function tailStart(bytes: Buffer, lines: number): number {
  let at = bytes.length;
  for (let k = 0; k < lines; k++) {
    at = bytes.lastIndexOf(10, at - 1);
    if (at <= 0) return 0;
  }
  return at + 1;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export type { VertexState };
