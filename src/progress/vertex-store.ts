import { detach } from '../util/detach.js';
import { parseLabel, targetOf } from './label.js';
import { kindOfRole, vertexRole } from './vertex-kind.js';
import type { BuildWarning, Interval, Vertex, VertexOutcome, VertexProgress } from './types.js';

/** Log lines kept per vertex, and characters kept per line: the report shows a tail, never a whole log. */
export const LOG_TAIL_LINES = 20;
/** A step that finished well keeps a shorter tail: tails of thousands of steps would otherwise grow with the log. */
export const LOG_TAIL_LINES_DONE = 5;
export const LOG_LINE_CHARS = 1000;
const MAX_PROGRESS_IDS = 64;
const MAX_WARNINGS = 50;

/** Mutable per-vertex state while a log is read; turned into a `Vertex` by `finish`. */
export interface VertexState {
  key: string;
  number: number | null;
  digest: string | null;
  name: string | null;
  order: number;
  inputs: readonly string[];
  /** Last ending seen (plain) or last whole-vertex update (rawjson). */
  outcome: VertexOutcome;
  error: string | null;
  /** Plain: the last `DONE Ns`. */
  doneSeconds: number | null;
  /** Plain: the largest elapsed time of a log line (`#10 40.15 ...`): the vertex ran at least this long. */
  maxElapsed: number;
  /** rawjson / timestamped logs: start -> end (ms); end NaN while running. Null until one (a plain log has none). */
  runs: Map<number, number> | null;
  firstMs: number | null;
  lastMs: number | null;
  /** The last log lines, a ring once full: the oldest at `tailStart` (see `tailOf`). */
  tail: string[];
  tailStart: number;
  logLines: number;
  /** Null until a status line: most vertices have none, and a Map each cost 30 MB on 100,000 steps. */
  progress: Map<string, VertexProgress> | null;
  progressOmitted: number;
  warnings: string[];
}

/** Shared by every vertex without inputs (all of a plain log's): rawjson gives a vertex its own list. */
const NO_INPUTS: readonly string[] = Object.freeze([]);

export class VertexStore {
  private readonly byKey = new Map<string, VertexState>();

  get(key: string): VertexState | undefined {
    return this.byKey.get(key);
  }

  getOrCreate(key: string, number: number | null = null, digest: string | null = null): VertexState {
    return this.byKey.get(key) ?? this.create(key, number, digest);
  }

  /** A new vertex, for a key the store does not hold yet (the plain parser knows; see `getOrCreate`). */
  create(key: string, number: number | null = null, digest: string | null = null): VertexState {
    const v: VertexState = {
      key,
      number,
      digest,
      name: null,
      order: this.byKey.size,
      inputs: NO_INPUTS,
      outcome: 'unfinished',
      error: null,
      doneSeconds: null,
      maxElapsed: 0,
      runs: null,
      firstMs: null,
      lastMs: null,
      tail: [],
      tailStart: 0,
      logLines: 0,
      progress: null,
      progressOmitted: 0,
      warnings: [],
    };
    this.byKey.set(key, v);
    return v;
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<VertexState> {
    return this.byKey.values();
  }

  /** Lines seen but not kept: they are older than anything that follows, so the tail restarts. */
  static countLogs(v: VertexState, lines: number): void {
    v.logLines += lines;
    if (lines > 0) {
      v.tail.length = 0;
      v.tailStart = 0;
    }
  }

  static addLog(v: VertexState, line: string): void {
    v.logLines++;
    // Not detached here (most lines fall out of the tail at once): settle() detaches what stays.
    const kept = line.length > LOG_LINE_CHARS ? line.slice(0, LOG_LINE_CHARS) + '…' : line;
    // Once full, the oldest line is overwritten in place (a shift per log line showed in the profiles).
    if (v.tail.length < LOG_TAIL_LINES) v.tail.push(kept);
    else {
      v.tail[v.tailStart] = kept;
      v.tailStart = (v.tailStart + 1) % v.tail.length;
    }
  }

  /** The tail in order, oldest first (the ring unrolled). */
  static tailOf(v: VertexState): string[] {
    if (v.tailStart !== 0) {
      v.tail = [...v.tail.slice(v.tailStart), ...v.tail.slice(0, v.tailStart)];
      v.tailStart = 0;
    }
    return v.tail;
  }

  /** Called when a vertex ends: a step that ended well needs only the end of its output. */
  static settle(v: VertexState): void {
    VertexStore.tailOf(v);
    if ((v.outcome === 'done' || v.outcome === 'cached') && v.tail.length > LOG_TAIL_LINES_DONE) {
      v.tail.splice(0, v.tail.length - LOG_TAIL_LINES_DONE);
    }
    for (let i = 0; i < v.tail.length; i++) v.tail[i] = detach(v.tail[i]);
  }

  static touch(v: VertexState, ms: number | null): void {
    if (ms === null) return;
    if (v.firstMs === null || ms < v.firstMs) v.firstMs = ms;
    if (v.lastMs === null || ms > v.lastMs) v.lastMs = ms;
  }

  static setProgress(v: VertexState, p: VertexProgress): void {
    const progress = (v.progress ??= new Map());
    if (!progress.has(p.id) && progress.size >= MAX_PROGRESS_IDS) {
      if (p.done) v.progressOmitted++;
      return;
    }
    const id = detach(p.id); // the map's key too: a slice would pin the chunk it came from
    progress.set(id, { ...p, id });
  }

  static addWarning(v: VertexState, message: string): void {
    if (v.warnings.length < MAX_WARNINGS && !v.warnings.includes(message)) v.warnings.push(detach(message));
  }

  /** Resolves every vertex: labels (with the bake targets the whole log revealed), kinds, merged intervals. */
  finish(keep: (s: VertexState) => boolean = () => true): Vertex[] {
    const states = [...this.byKey.values()].filter(keep).sort((a, b) => a.order - b.order);
    const targets = new Set<string>();
    const first = states.map((s) => (s.name ? parseLabel(s.name) : null));
    states.forEach((s, i) => {
      const t = first[i] ? targetOf(first[i], s.name!) : null;
      if (t) targets.add(t);
    });
    return states.map((s, i) => {
      const name = s.name ?? '';
      // Targets change a label only when the log revealed some: otherwise the first reading is the label.
      const label = (targets.size === 0 && first[i]) || parseLabel(name, targets);
      const role = vertexRole(name, label);
      const intervals = s.runs ? mergeIntervals(s.runs) : [];
      const seconds = intervals.length
        ? intervals.reduce((sum, i) => sum + (i.end - i.start), 0) / 1000
        : s.doneSeconds;
      return {
        key: s.key,
        number: s.number,
        digest: s.digest,
        name,
        label,
        kind: kindOfRole(role),
        role,
        outcome: s.outcome,
        inputs: s.inputs,
        intervals,
        seconds: s.outcome === 'cached' ? null : seconds,
        elapsedSeconds: s.maxElapsed > 0 ? Math.round(s.maxElapsed * 1000) / 1000 : null,
        started: intervals.length ? intervals[0].start : s.firstMs,
        completed: intervals.length
          ? intervals[intervals.length - 1].end
          : s.outcome === 'unfinished'
            ? null
            : s.lastMs,
        error: s.error,
        logTail: VertexStore.tailOf(s).map(detach),
        logLines: s.logLines,
        progress: s.progress ? [...s.progress.values()] : [],
        progressOmitted: s.progressOmitted,
        warnings: s.warnings,
        order: s.order,
      };
    });
  }
}

/** Union of run intervals (BuildKit's mergeIntervals): overlapping runs count once. Open runs are dropped. */
export function mergeIntervals(runs: Map<number, number>): Interval[] {
  const list = [...runs].filter(([s, e]) => Number.isFinite(e) && e >= s).sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [start, end] of list) {
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  return out;
}

/** Parses BuildKit's `(line N)` suffix of a lint warning. */
export function warningFrom(message: string, vertexKey: string | null): BuildWarning {
  const m = /\(line (\d+)\)\s*$/.exec(message);
  return { message: detach(message), line: m ? Number(m[1]) : null, vertexKey };
}
