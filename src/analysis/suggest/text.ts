import { createPatch } from 'diff';
import type { DockerfileInstruction } from '../../dockerfile/parse.js';

/**
 * One RUN doing what the RUN `a` then the RUN `b` did (source lines of each): `RUN <b's flags> <a> \`,
 * `    && <b>`, b's continuation lines kept as written.
 */
export function mergedRun(a: string[], b: string[]): string[] {
  const aCmd = a
    .join('\n')
    .replace(/^\s*RUN\s+/i, '')
    .replace(/\s+$/, '');
  const [bFirst, ...bRest] = b;
  const bBody = bFirst.replace(/^\s*RUN\s+/i, '');
  const flags = bBody.match(/^(?:--\S+\s+)*/)![0];
  return [`RUN ${flags}${aCmd} \\`, `    && ${bBody.slice(flags.length)}`, ...bRest];
}

export function mounts(inst: DockerfileInstruction): string[] {
  return [...inst.text.matchAll(/--mount=(\S+)/g)].map((m) => m[1]);
}

/** The destination of a COPY/ADD (its last argument). */
export function copyDest(inst: DockerfileInstruction): string {
  const parts = inst.text.split(/\s+/);
  return parts[parts.length - 1];
}

/**
 * An edit of a Dockerfile as one window: lines `start`..`end` of the original (1-based, inclusive;
 * `end = start - 1` inserts before `start`) replaced by `lines`. A suggestion carries its edit, not the
 * edited file: a whole-file copy per suggestion made thousands of suggestions quadratic.
 */
export interface LineEdit {
  start: number;
  end: number;
  lines: string[];
}

/** A Dockerfile as lines, edited by whole instructions (1-based line numbers of the original). */
export class Lines {
  readonly lines: string[];
  constructor(readonly original: string) {
    this.lines = original.split('\n');
  }

  slice(range: { start: number; end: number }): string[] {
    return this.lines.slice(range.start - 1, range.end);
  }

  /** `range` moved to just before line `before` (before < range.start). */
  moveUp(range: { start: number; end: number }, before: number, insert: string[] = []): LineEdit {
    const l = this.lines;
    const moved = l.slice(range.start - 1, range.end);
    return { start: before, end: range.end, lines: [...insert, ...moved, ...l.slice(before - 1, range.start - 1)] };
  }

  /** `range` moved to just before line `before` (before > range.end). */
  moveDown(range: { start: number; end: number }, before: number): LineEdit {
    const l = this.lines;
    return {
      start: range.start,
      end: before - 1,
      lines: [...l.slice(range.end, before - 1), ...l.slice(range.start - 1, range.end)],
    };
  }

  replace(range: { start: number; end: number }, replacement: string[]): LineEdit {
    return { start: range.start, end: range.end, lines: replacement };
  }

  insert(before: number, added: string[]): LineEdit {
    return { start: before, end: before - 1, lines: added };
  }

  /** The whole edited text (for an edit that is not one window; costs a copy of the file). */
  apply(edit: LineEdit): string {
    return [...this.lines.slice(0, edit.start - 1), ...edit.lines, ...this.lines.slice(edit.end)].join('\n');
  }
}

const CONTEXT = 3;

/** How many lines two texts share at their start (`pre`), and at their end after that (`suf`). */
export function commonEnds(a: string[], b: string[]): { pre: number; suf: number } {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  return { pre, suf };
}

/**
 * True when the diff of a window is the edit itself: no removed line is kept or added, no added line was
 * there before, so the context is the only thing both sides share (and it lines up one way only). A carriage
 * return, which the diff library reads its own way, is left to it.
 */
function onlyAlignment(removed: string[], added: string[], kept: string[]): boolean {
  const keptSet = new Set(kept);
  const removedSet = new Set(removed);
  const cr = (l: string) => l.includes('\r');
  return (
    !added.some((l) => keptSet.has(l) || removedSet.has(l)) &&
    !removed.some((l) => keptSet.has(l)) &&
    !removed.some(cr) &&
    !added.some(cr) &&
    !kept.some(cr)
  );
}

/**
 * When `added` is `removed` with its first `j` lines moved to the end (a block moved down, or up), the two
 * changes a minimal diff makes of it: the shorter block removed where it was and added where it goes, around the
 * longer one kept. Null when it is no such move, or when a diff could align it another way (a line twice, a line
 * of the context among them, blocks of one length) or read it its own way (a carriage return).
 */
function moveOf(removed: string[], added: string[], kept: string[]): { j: number } | null {
  const m = removed.length;
  if (m < 3 || added.length !== m) return null;
  const j = removed.indexOf(added[m - 1]) + 1; // the line that ends up last closed the moved block
  if (j <= 0 || j >= m || 2 * j === m) return null;
  for (let i = 0; i < m; i++) if (added[i] !== removed[(i + j) % m]) return null;
  const seen = new Set(kept);
  for (const l of removed) {
    if (seen.has(l) || l.includes('\r')) return null;
    seen.add(l);
  }
  return kept.some((l) => l.includes('\r')) ? null : { j };
}

/** A hunk as the diff library writes it: its header (1-based starts), then its lines. */
function hunk(oldStart: number, newStart: number, lines: string[]): string[] {
  const olds = lines.filter((l) => l[0] !== '+').length;
  const news = lines.filter((l) => l[0] !== '-').length;
  return [`@@ -${oldStart},${olds} +${newStart},${news} @@`, ...lines];
}

/**
 * The diff of a move (see `moveOf`) as the diff library writes it: `lead`, the first change, the kept block, the
 * second change, `trail`; in two hunks when the kept block is longer than twice the context.
 */
function moveDiff(file: string, at: number, lead: string[], removed: string[], j: number, trail: string[]): string {
  const head = removed.slice(0, j);
  const rest = removed.slice(j);
  // The shorter block is what moves; the longer one is kept.
  const [first, kept, second] =
    head.length < rest.length
      ? [head.map((l) => `-${l}`), rest, head.map((l) => `+${l}`)]
      : [rest.map((l) => `+${l}`), head, rest.map((l) => `-${l}`)];
  const body = [...lead.map((l) => ` ${l}`), ...first];
  const tail = [...second, ...trail.map((l) => ` ${l}`)];
  const out = [`--- ${file}\t`, `+++ ${file}\t`];
  if (kept.length <= 2 * CONTEXT) out.push(...hunk(at, at, [...body, ...kept.map((l) => ` ${l}`), ...tail]));
  else {
    const one = hunk(at, at, [...body, ...kept.slice(0, CONTEXT).map((l) => ` ${l}`)]);
    const skip = kept.length - CONTEXT; // lines of both sides from the first hunk's kept lines to the second's
    const olds = body.filter((l) => l[0] !== '+').length + skip;
    const news = body.filter((l) => l[0] !== '-').length + skip;
    out.push(...one, ...hunk(at + olds, at + news, [...kept.slice(skip).map((l) => ` ${l}`), ...tail]));
  }
  return `${out.join('\n')}\n`;
}

/**
 * A unified diff of one file, as `git apply` and `patch -p0` read it. Edits are local, so only the
 * changed window (plus context) is diffed: diffing whole files made thousands of suggestions on a
 * long Dockerfile quadratic.
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const { pre, suf } = commonEnds(a, b);
  const start = Math.max(0, pre - CONTEXT);
  const keepEnd = Math.max(0, suf - CONTEXT);
  if (start === 0 && keepEnd === 0)
    return createPatch(file, before, after, '', '', { context: CONTEXT }).replace(/^Index: .*\n=+\n/, '');
  // Windows that stop before the end keep a final newline, so no "no newline at end of file" marker appears.
  const window = (lines: string[]) => lines.slice(start, lines.length - keepEnd).join('\n') + (keepEnd > 0 ? '\n' : '');
  const patch = createPatch(file, window(a), window(b), '', '', { context: CONTEXT }).replace(/^Index: .*\n=+\n/, '');
  return shiftHunks(patch, start);
}

/** Hunk headers of a diff of a window that starts `start` lines into the file, as line numbers of the file. */
export function shiftHunks(patch: string, start: number): string {
  return patch.replace(/^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@/gm, (_m, x, xs = '', y, ys = '') => {
    const shift = (n: string) => String(Number(n) === 0 ? start : Number(n) + start);
    return `@@ -${shift(x)}${xs} +${shift(y)}${ys} @@`;
  });
}

/**
 * The unified diff of one windowed edit of `original` (its lines `a`): the same text as
 * `unifiedDiff(file, original, edited)`, found from the window without building the edited file.
 */
export function unifiedDiffOfEdit(file: string, original: string, a: string[], edit: LineEdit): string {
  // Lines of the edit that hold line breaks are lines of the edited file each (as a joined text splits them).
  const repl = edit.lines.some((l) => l.includes('\n')) ? edit.lines.flatMap((l) => l.split('\n')) : edit.lines;
  const head = edit.start - 1;
  const tailFrom = edit.end; // index in `a` of the first line after the window
  const bLength = head + repl.length + (a.length - tailFrom);
  const b = (i: number): string =>
    i < head ? a[i] : i < head + repl.length ? repl[i - head] : a[i - head - repl.length + tailFrom];
  let pre = head;
  while (pre < a.length && pre < bLength && a[pre] === b(pre)) pre++;
  let suf = Math.min(a.length - tailFrom, a.length - pre, bLength - pre);
  while (suf < a.length - pre && suf < bLength - pre && a[a.length - 1 - suf] === b(bLength - 1 - suf)) suf++;
  const start = Math.max(0, pre - CONTEXT);
  const keepEnd = Math.max(0, suf - CONTEXT);
  const bLines = (from: number, to: number): string[] => {
    const out: string[] = [];
    for (let i = from; i < to; i++) out.push(b(i));
    return out;
  };
  if (start === 0 && keepEnd === 0) return unifiedDiff(file, original, bLines(0, bLength).join('\n'));
  const removed = a.slice(pre, a.length - suf);
  const added = bLines(pre, bLength - suf);
  const lead = a.slice(start, pre);
  const trail = a.slice(a.length - suf, a.length - keepEnd);
  if (keepEnd > 0 && onlyAlignment(removed, added, lead.concat(trail))) {
    // A diff would find nothing else to keep: the hunk is written as the diff library writes it.
    const lines = lead.map((l) => ` ${l}`);
    for (const l of removed) lines.push(`-${l}`);
    for (const l of added) lines.push(`+${l}`);
    for (const l of trail) lines.push(` ${l}`);
    return `${[`--- ${file}\t`, `+++ ${file}\t`, ...hunk(start + 1, start + 1, lines)].join('\n')}\n`;
  }
  // A block moved past others (an ARG moved down to its first use): written as the diff library would.
  const move = keepEnd > 0 ? moveOf(removed, added, lead.concat(trail)) : null;
  if (move) return moveDiff(file, start + 1, lead, removed, move.j, trail);
  const tail = keepEnd > 0 ? '\n' : '';
  const before = a.slice(start, a.length - keepEnd).join('\n') + tail;
  const after = bLines(start, bLength - keepEnd).join('\n') + tail;
  return shiftHunks(
    createPatch(file, before, after, '', '', { context: CONTEXT }).replace(/^Index: .*\n=+\n/, ''),
    start,
  );
}
