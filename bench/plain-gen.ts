// Writes a large plain log from the real plain logs: the vertex blocks of every source log, repeated
// with their `#N` renumbered (unique, increasing per copy), and the log-line runs multiplied so that,
// as in real big logs, verbose RUN output makes up most of the bytes.
import { LineWriter } from './writer.js';
import type { PlainPiece, PlainSource } from './plain-source.js';

export interface PlainPlan {
  /** Copies of the whole set of source logs. */
  copies: number;
  /** How many times each log-line run is written per copy. */
  logRepeat: number;
}

/** Line counts and bytes by kind: shows the generated log has every kind of line, and in what share. */
export type Composition = Record<string, { lines: number; bytes: number }>;

export interface PlainResult {
  bytes: number;
  vertices: number;
  plan: PlainPlan;
  composition: Composition;
}

function bytesOf(pieces: PlainPiece[][], part: 'logs' | 'rest'): number {
  let n = 0;
  for (const block of pieces) {
    n += part === 'rest' ? 1 : 0; // the blank line that ends a block
    for (const p of block) {
      if (p.kind === 'logs') {
        if (part === 'logs') for (const l of p.lines) n += l.rest.length + 6;
      } else if (part === 'rest') n += p.kind === 'text' ? p.line.length + 1 : p.line.rest.length + 6;
    }
  }
  return n;
}

/** Picks copies from the wanted vertex count, then the log multiplier that reaches the wanted size. */
export function planPlain(sources: PlainSource[], targetBytes: number, targetVertices: number): PlainPlan {
  const perCopy = sources.reduce((s, src) => s + src.vertices, 0);
  const copies = Math.max(1, Math.round(targetVertices / perCopy));
  const blocks = sources.flatMap((s) => s.blocks);
  const logs = bytesOf(blocks, 'logs');
  const rest = bytesOf(blocks, 'rest');
  const logRepeat = Math.max(1, Math.ceil((targetBytes / copies - rest) / logs));
  return { copies, logRepeat };
}

function kindOf(p: PlainPiece): string {
  if (p.kind === 'logs') return 'log line (#N <secs> ...)';
  if (p.kind === 'text') return 'unprefixed log line';
  const r = p.line.rest;
  if (/^ (DONE|CACHED|CANCELED|ERROR)/.test(r)) return 'ending (DONE/CACHED/CANCELED/ERROR)';
  if (r.startsWith(' sha256:')) return 'sha256 line';
  if (r.startsWith(' WARN:')) return 'inline WARN';
  if (r === ' ...') return 'switch (...)';
  return 'header or status';
}

export async function writePlain(
  path: string,
  sources: PlainSource[],
  targetBytes: number,
  plan: PlainPlan,
): Promise<PlainResult> {
  const out = new LineWriter(path);
  const composition: Composition = {};
  const count = (kind: string, text: string, times = 1): void => {
    const c = (composition[kind] ??= { lines: 0, bytes: 0 });
    c.lines += times;
    c.bytes += (text.length + 1) * times;
    if (text.endsWith('\r')) bump('of which: CR-terminated', text, times);
    if (text.includes('\u001b')) bump('of which: with ANSI escapes', text, times);
  };
  const bump = (kind: string, text: string, times: number): void => {
    const c = (composition[kind] ??= { lines: 0, bytes: 0 });
    c.lines += times;
    c.bytes += (text.length + 1) * times;
  };

  const builder = sources.find((s) => s.builder)?.builder;
  if (builder) {
    out.line(builder);
    out.line('');
    count('#0 builder line', builder);
  }
  let base = 0;
  let vertices = 0;
  // Whole copies until the size is reached (planned copies, or more if the plan fell short).
  for (let copy = 0; copy < plan.copies || out.bytes < targetBytes; copy++) {
    for (const src of sources) {
      for (const block of src.blocks) {
        for (const p of block) {
          if (p.kind === 'text') {
            if (out.line(p.line)) await out.flush();
            count(kindOf(p), p.line);
            continue;
          }
          if (p.kind === 'vertex') {
            const line = `#${p.line.n + base}${p.line.rest}`;
            if (out.line(line)) await out.flush();
            count(kindOf(p), line);
            continue;
          }
          for (let r = 0; r < plan.logRepeat; r++) {
            for (const l of p.lines) {
              if (out.line(`#${l.n + base}${l.rest}`)) await out.flush();
            }
          }
          for (const l of p.lines) count(kindOf(p), `#${l.n + base}${l.rest}`, plan.logRepeat);
        }
        out.line('');
        count('blank line', '');
      }
      base += src.maxN;
      vertices += src.vertices;
    }
  }
  // What followed the progress in each source (error boxes, warnings block, final ERROR), once.
  for (const src of sources) {
    if (!src.trailer.length) continue;
    for (const line of src.trailer) {
      out.line(line);
      count('after the progress (error box, warnings, ERROR:)', line);
    }
    out.line('');
  }
  const bytes = await out.close();
  return { bytes, vertices, plan, composition };
}
