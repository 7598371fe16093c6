// Copies the start of a generated log, cut at a line end, so the parsers' memory can be compared on
// 1 MB, 50 MB and the full file of the same content.
import { closeSync, openSync, readSync, renameSync, writeSync } from 'node:fs';

const BLOCK = 1 << 20;

/** Writes the first `bytes` of `from` to `to`, extended to the end of the line they stop in. Returns the size. */
export function copyPrefix(from: string, to: string, bytes: number): number {
  const src = openSync(from, 'r');
  const dst = openSync(`${to}.tmp`, 'w');
  const buf = Buffer.allocUnsafe(BLOCK);
  let done = 0;
  try {
    for (;;) {
      const n = readSync(src, buf, 0, BLOCK, done);
      if (n === 0) break;
      let take = n;
      if (done + n >= bytes) {
        const nl = buf.indexOf(10, Math.max(0, bytes - done - 1));
        if (nl !== -1 && nl < n) take = nl + 1;
      }
      writeSync(dst, buf, 0, take);
      done += take;
      if (take < n) break;
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
  renameSync(`${to}.tmp`, to);
  return done;
}
