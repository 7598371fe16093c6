// The output text that fills the generated rawjson `logs` records: the real RUN output of the plain
// logs (their `#N <secs>` prefix removed), cut into chunks the way BuildKit forwards a process's
// writes: mostly whole lines, sometimes cut mid-line or inside a UTF-8 character.
import type { PlainSource } from './plain-source.js';

/** Small deterministic PRNG (mulberry32): the same inputs give the same file, so runs compare. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function payloadText(sources: PlainSource[]): Buffer {
  const out: string[] = [];
  for (const src of sources) {
    for (const block of src.blocks) {
      for (const p of block) {
        if (p.kind === 'logs') for (const l of p.lines) out.push(l.rest.replace(/^ \d+\.\d+ ?/, ''));
        else if (p.kind === 'text') out.push(p.line);
      }
    }
  }
  return Buffer.from(out.join('\n') + '\n');
}

/** Cycles through the payload, handing out chunks of 64 B to 4 KiB. */
export class Chunker {
  private pos = 0;
  private readonly random: () => number;

  constructor(
    private readonly payload: Buffer,
    seed = 1,
  ) {
    this.random = prng(seed);
  }

  next(): Buffer {
    const size = 64 + Math.floor(this.random() * 4032);
    let end = Math.min(this.pos + size, this.payload.length);
    // Four chunks in five end on a line, as line-buffered output does; the rest are cut anywhere.
    if (this.random() < 0.8) {
      const nl = this.payload.indexOf(10, end);
      end = nl === -1 ? this.payload.length : nl + 1;
    }
    const chunk = this.payload.subarray(this.pos, end);
    this.pos = end >= this.payload.length ? 0 : end;
    return chunk;
  }
}
