import { Utf8Pieces } from './utf8.js';

/** Longest line kept whole; past it the line is cut and the rest dropped up to the next newline. */
export const MAX_LINE = 1 << 20;
/** What is kept of an overlong line. */
const KEEP_OF_OVERLONG = 64 * 1024;

export type LineHandler = (line: string, overlong: boolean) => void;

/**
 * A line as a range of `text` (`start` to `end`, the trailing CR already left out), for a hot path that reads
 * most lines without cutting them out. `escapes` says whether `text` holds an ESC at all (asked once a chunk).
 */
export type RangeHandler = (text: string, start: number, end: number, overlong: boolean, escapes: boolean) => void;

/**
 * Turns chunks (bytes or text, cut anywhere, even inside a UTF-8 character) into lines,
 * without ever holding more than one bounded line in memory. A trailing CR is dropped;
 * CRs inside a line (progress bars) are kept.
 */
export class LineSplitter {
  private pending = '';
  private discarding = false;
  private readonly decoder = new Utf8Pieces();

  private readonly onRange: RangeHandler;

  /** `onLine` gets each line as a string; a RangeHandler (`{ ranges }`) gets it as a range of the text read. */
  constructor(
    onLine: LineHandler | { ranges: RangeHandler },
    private readonly maxLine = MAX_LINE,
  ) {
    this.onRange =
      typeof onLine === 'function'
        ? (text, start, end, overlong) =>
            onLine(start === 0 && end === text.length ? text : text.slice(start, end), overlong)
        : onLine.ranges;
  }

  push(chunk: string | Uint8Array): void {
    const text =
      typeof chunk === 'string'
        ? chunk
        : this.decoder.write(
            Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
          );
    const escapes = text.includes('\u001b');
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pending.length + nl - start > this.maxLine) {
        this.emit((this.pending + text.slice(start, start + KEEP_OF_OVERLONG)).slice(0, KEEP_OF_OVERLONG), true);
      } else if (this.pending.length) {
        this.emit(this.pending + text.slice(start, nl), false);
      } else {
        this.onRange(text, start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl, false, escapes);
      }
      this.pending = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length && !this.discarding) {
      this.pending += start === 0 ? text : text.slice(start);
      if (this.pending.length > this.maxLine) {
        this.emit(this.pending.slice(0, KEEP_OF_OVERLONG), true);
        this.pending = '';
        this.discarding = true;
      }
    }
  }

  /** Flushes the last line (a log cut mid-line). Returns true when there was one. */
  end(): boolean {
    const rest = this.decoder.end();
    if (rest && !this.discarding) this.pending += rest;
    const had = this.pending.length > 0 && !this.discarding;
    if (had) this.emit(this.pending, false);
    this.pending = '';
    this.discarding = false;
    return had;
  }

  private emit(line: string, overlong: boolean): void {
    const n = line.length;
    this.onRange(line, 0, n > 0 && line.charCodeAt(n - 1) === 13 ? n - 1 : n, overlong, line.includes('\u001b'));
  }
}
