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

/** A Dockerfile as lines, edited by whole instructions (1-based line numbers of the original). */
export class Lines {
  readonly lines: string[];
  constructor(readonly original: string) {
    this.lines = original.split('\n');
  }

  slice(range: { start: number; end: number }): string[] {
    return this.lines.slice(range.start - 1, range.end);
  }

  /** The text with `range` moved to just before line `before` (before < range.start). */
  moveUp(range: { start: number; end: number }, before: number, insert: string[] = []): string {
    const l = this.lines;
    const moved = l.slice(range.start - 1, range.end);
    return [
      ...l.slice(0, before - 1),
      ...insert,
      ...moved,
      ...l.slice(before - 1, range.start - 1),
      ...l.slice(range.end),
    ].join('\n');
  }

  /** The text with `range` moved to just before line `before` (before > range.end). */
  moveDown(range: { start: number; end: number }, before: number): string {
    const l = this.lines;
    return [
      ...l.slice(0, range.start - 1),
      ...l.slice(range.end, before - 1),
      ...l.slice(range.start - 1, range.end),
      ...l.slice(before - 1),
    ].join('\n');
  }

  replace(range: { start: number; end: number }, replacement: string[]): string {
    return [...this.lines.slice(0, range.start - 1), ...replacement, ...this.lines.slice(range.end)].join('\n');
  }

  insert(before: number, added: string[]): string {
    return [...this.lines.slice(0, before - 1), ...added, ...this.lines.slice(before - 1)].join('\n');
  }
}

const CONTEXT = 3;

/**
 * A unified diff of one file, as `git apply` and `patch -p0` read it. Edits are local, so only the
 * changed window (plus context) is diffed: diffing whole files made thousands of suggestions on a
 * long Dockerfile quadratic.
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const start = Math.max(0, pre - CONTEXT);
  const keepEnd = Math.max(0, suf - CONTEXT);
  if (start === 0 && keepEnd === 0)
    return createPatch(file, before, after, '', '', { context: CONTEXT }).replace(/^Index: .*\n=+\n/, '');
  // Windows that stop before the end keep a final newline, so no "no newline at end of file" marker appears.
  const window = (lines: string[]) => lines.slice(start, lines.length - keepEnd).join('\n') + (keepEnd > 0 ? '\n' : '');
  const patch = createPatch(file, window(a), window(b), '', '', { context: CONTEXT }).replace(/^Index: .*\n=+\n/, '');
  return patch.replace(/^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@/gm, (_m, x, xs = '', y, ys = '') => {
    const shift = (n: string) => String(Number(n) === 0 ? start : Number(n) + start);
    return `@@ -${shift(x)}${xs} +${shift(y)}${ys} @@`;
  });
}
