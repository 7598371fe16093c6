// Suggestions that edit the same lines become one. Each merge works on a window of the file around the two
// edits, never on the whole text: a copy of a 100,000-line file per merge made thousands of merges quadratic.
import { applyPatch } from 'diff';
import type { Suggestion } from '../../model/report.js';
import { commonEnds, shiftHunks, unifiedDiff } from './text.js';

/**
 * Lines kept around two edits when they are merged: where an edit's lines now stand is searched this far
 * (an edit that copied them moves them within its own lines), and diff context never reaches the edge.
 */
const MARGIN = 100;

/** Lines `from`..`to` of the original file (1-based, inclusive), as the merged edits left them. */
interface Piece {
  from: number;
  to: number;
  text: string;
}

/** The original file by lines, cut into windows that join back into it. */
class FileLines {
  readonly lines: string[];
  constructor(text: string) {
    this.lines = text.split('\n');
  }

  /** Lines `from`..`to` as text, with the line break after the last unless it ends the file. */
  window(from: number, to: number): string {
    if (to < from) return '';
    return this.lines.slice(from - 1, to).join('\n') + (to < this.lines.length ? '\n' : '');
  }

  /** A piece widened to lines `from`..`to` (which hold it) with the original lines around it. */
  widen(piece: Piece, from: number, to: number): string {
    return this.window(from, piece.from - 1) + piece.text + this.window(piece.to + 1, to);
  }
}

/** The lines of the original a diff reads (its hunks, context included). */
function hull(diff: string): { from: number; to: number } | null {
  let from = Infinity;
  let to = -Infinity;
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+/gm)) {
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    from = Math.min(from, start);
    to = Math.max(to, start + count - 1, start);
  }
  return from === Infinity ? null : { from, to };
}

/** A diff of the file as a diff of its window starting after line `offset`. */
function intoWindow(diff: string, offset: number): string {
  return diff.replace(/^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@/gm, (_m, x, xs = '', y, ys = '') => {
    const shift = (n: string) => String(Math.max(0, Number(n) - offset));
    return `@@ -${shift(x)}${xs} +${shift(y)}${ys} @@`;
  });
}

/**
 * The lines a suggestion edits: its range, except for an ARG moved down, which edits only its own line and
 * the line it moves to (the RUNs in between stay as they are, and so may another rule's edit of them).
 */
function edited(s: Suggestion): Set<number> {
  if (s.rule === 'arg-placement') return new Set([s.lines.start, s.lines.end]);
  const out = new Set<number>();
  for (let l = s.lines.start; l <= s.lines.end; l++) out.add(l);
  return out;
}

/**
 * The edit `before → own` redone on `base` (another edit of `before`): the block of lines it changed is
 * replaced where it now stands (the nearest to where it stood, when the other edit copied it).
 */
function compose(before: string, own: string, base: string): string | false {
  const a = before.split('\n');
  const b = own.split('\n');
  const { pre, suf } = commonEnds(a, b);
  const old = a.slice(pre, a.length - suf);
  const added = b.slice(pre, b.length - suf);
  if (!old.length) return applyPatch(base, unifiedDiff('f', before, own), { fuzzFactor: 0 });
  const lines = base.split('\n');
  const at: number[] = [];
  for (let i = 0; i + old.length <= lines.length; i++) if (old.every((l, k) => lines[i + k] === l)) at.push(i);
  if (!at.length) return false;
  // Where the lines stood, shifted by what the other edit added or removed (it may have copied them).
  const expected = pre + (lines.length - a.length);
  const best = at.reduce((x, y) => (Math.abs(y - expected) < Math.abs(x - expected) ? y : x));
  lines.splice(best, old.length, ...added);
  return lines.join('\n');
}

/**
 * Two suggestions editing the same lines of the same file become one: the second's diff applied on top of
 * the first's edit, both reasons kept. When the second does not apply on top, the better-ranked one stays.
 * `text` is the Dockerfile every diff was made against.
 */
export function mergeOverlapping(list: Suggestion[], text: string): Suggestion[] {
  const file = new FileLines(text);
  const out: { s: Suggestion; after: Piece | null }[] = [];
  // Per file, each edited line's first (best-ranked) owner in `out`: the overlap is found through the
  // suggestion's own lines, not by comparing it with every earlier one.
  const owners = new Map<string, Map<number, number>>();
  const claim = (index: number) => {
    const s = out[index].s;
    let lines = owners.get(s.file);
    if (!lines) owners.set(s.file, (lines = new Map()));
    for (const l of edited(s)) if (!lines.has(l) || lines.get(l)! > index) lines.set(l, index);
  };
  for (const s of list) {
    const lines = owners.get(s.file);
    let first = -1;
    if (lines) {
      for (const l of edited(s)) {
        const i = lines.get(l);
        if (i !== undefined && (first === -1 || i < first)) first = i;
      }
    }
    const overlap = first === -1 ? undefined : out[first];
    if (!overlap) {
      out.push({ s, after: null });
      claim(out.length - 1);
      continue;
    }
    // The window: both edits' lines and a margin around each (a merged edit's window already has its own).
    const mine = hull(s.diff);
    const around = (h: { from: number; to: number } | null) =>
      h && { from: Math.max(1, h.from - MARGIN), to: Math.min(file.lines.length, h.to + MARGIN) };
    const theirs = overlap.after ?? around(hull(overlap.s.diff));
    const near = around(mine);
    const from = Math.min(near?.from ?? Infinity, theirs?.from ?? Infinity);
    const to = Math.max(near?.to ?? 0, theirs?.to ?? 0);
    const before = file.window(from, to);
    const base = overlap.after
      ? file.widen(overlap.after, from, to)
      : overlap.s.file === s.file && mine && theirs
        ? applyPatch(before, intoWindow(overlap.s.diff, from - 1))
        : null;
    const own = mine ? applyPatch(before, intoWindow(s.diff, from - 1)) : false;
    // The same edit twice (merge-runs and apt-update-alone): one diff. Otherwise both edits, when they compose.
    const both =
      base === false || base === null || own === false ? false : own === base ? base : compose(before, own, base);
    if (both === false) {
      // Two moves of one rule that do not compose (two ARGs moved down) stay two suggestions; another
      // rule's edit of the same lines waits for the better-ranked one to be applied.
      if (overlap.s.rule === s.rule) {
        out.push({ s, after: null });
        claim(out.length - 1);
      }
      continue;
    }
    overlap.after = { from, to, text: both };
    const o = overlap.s;
    o.also = [...(o.also ?? []), { rule: s.rule, title: s.title, why: s.why }];
    o.why = `${o.why} Also (${s.rule}): ${s.why}`;
    o.lines = { start: Math.min(o.lines.start, s.lines.start), end: Math.max(o.lines.end, s.lines.end) };
    o.protects = [...new Set([...o.protects, ...s.protects])];
    o.diff = shiftHunks(unifiedDiff(o.file, before, both), from - 1);
    claim(first); // its range grew
  }
  return out.map((x) => x.s);
}
