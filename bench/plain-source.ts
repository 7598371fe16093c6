// Cuts the real plain logs (fixtures/corpus/*.log, fixtures/recorded/*.plain.log) into the pieces the
// plain generator repeats. Lines are kept byte for byte (CR, ANSI, tabs, UTF-8); only the `#N` number
// is held apart so that each repetition can renumber it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A `#N` line: `rest` is everything after the digits (a leading space, or empty). */
export interface NumberedLine {
  n: number;
  rest: string;
}

export type PlainPiece =
  /** Header, status, ending, sha256, WARN: any `#N` line that is not a log line. */
  | { kind: 'vertex'; line: NumberedLine }
  /** A run of consecutive `#N <secs> text` log lines: what the generator multiplies. */
  | { kind: 'logs'; lines: NumberedLine[] }
  /** An unprefixed line inside an open vertex (old clients print output without `#N`). */
  | { kind: 'text'; line: string };

export interface PlainSource {
  file: string;
  /** The `#0 building with ...` line, if the log has one. */
  builder: string | null;
  /** Vertex blocks (runs of non-blank lines starting with `#N`), in log order. */
  blocks: PlainPiece[][];
  /** What follows the progress: error boxes, the warnings block, the final `ERROR:` (kept once, at the end). */
  trailer: string[];
  maxN: number;
  /** Distinct `#N` numbers (N > 0): the vertices one copy of this log adds. */
  vertices: number;
}

export const PLAIN_SOURCE_DIRS: [dir: string, suffix: string][] = [
  ['fixtures/corpus', '.log'],
  ['fixtures/recorded', '.plain.log'],
];

export function plainSourceFiles(root: string): string[] {
  return PLAIN_SOURCE_DIRS.flatMap(([dir, suffix]) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith(suffix))
      .sort()
      .map((f) => join(root, dir, f)),
  );
}

export function numbered(line: string): NumberedLine | null {
  if (line.charCodeAt(0) !== 35) return null; // '#'
  let i = 1;
  while (i < line.length && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  if (i === 1 || (i < line.length && line.charCodeAt(i) !== 32)) return null;
  return { n: Number(line.slice(1, i)), rest: line.slice(i) };
}

/** `#N 12.34 text` (BuildKit's seconds-since-start prefix). CR is ignored, as the parser drops it. */
export function isLogLine(rest: string): boolean {
  return /^ \d+\.\d+(?: |\r?$)/.test(rest);
}

/** Lines after which a vertex is no longer open (unprefixed lines that follow are not its output). */
function closes(rest: string): boolean {
  return /^ (?:DONE|CACHED|CANCELED|ERROR|\.\.\.)/.test(rest);
}

export function readPlainSource(file: string): PlainSource {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const src: PlainSource = { file, builder: null, blocks: [], trailer: [], maxN: 0, vertices: 0 };
  const seen = new Set<number>();
  let block: string[] = [];
  const takeBlock = (): void => {
    if (block.length) cutBlock(block, src, seen);
    block = [];
  };
  for (const line of lines) {
    if (line.trim() === '') takeBlock();
    else block.push(line);
  }
  takeBlock();
  src.vertices = seen.size;
  return src;
}

function cutBlock(block: string[], src: PlainSource, seen: Set<number>): void {
  const first = numbered(block[0]);
  if (first?.n === 0) {
    src.builder ??= block[0];
    return;
  }
  if (!first) {
    src.trailer.push(...block);
    return;
  }
  const pieces: PlainPiece[] = [];
  let open = false;
  for (let i = 0; i < block.length; i++) {
    const nl = numbered(block[i]);
    if (!nl) {
      if (!open) {
        // An error box or final ERROR right after an ending: not progress, so not repeated.
        src.trailer.push(...block.slice(i));
        break;
      }
      pieces.push({ kind: 'text', line: block[i] });
      continue;
    }
    seen.add(nl.n);
    src.maxN = Math.max(src.maxN, nl.n);
    open = !closes(nl.rest);
    const last = pieces[pieces.length - 1];
    if (!isLogLine(nl.rest)) pieces.push({ kind: 'vertex', line: nl });
    else if (last?.kind === 'logs') last.lines.push(nl);
    else pieces.push({ kind: 'logs', lines: [nl] });
  }
  src.blocks.push(pieces);
}
