import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; past it the line is cut and the rest dropped up to the next newline. */
export const MAX_LINE = 1 << 20;
/** What is kept of an overlong line. */
const KEEP_OF_OVERLONG = 64 * 1024;

export type LineHandler = (line: string, overlong: boolean) => void;

/**
 * Turns chunks (bytes or text, cut anywhere, even inside a UTF-8 character) into lines,
 * without ever holding more than one bounded line in memory. A trailing CR is dropped;
 * CRs inside a line (progress bars) are kept.
 */
export class LineSplitter {
  private pending = '';
  private discarding = false;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly onLine: LineHandler,
    private readonly maxLine = MAX_LINE,
  ) {}

  push(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pending.length + nl - start > this.maxLine) {
        this.emit((this.pending + text.slice(start, start + KEEP_OF_OVERLONG)).slice(0, KEEP_OF_OVERLONG), true);
      } else {
        this.emit(this.pending.length ? this.pending + text.slice(start, nl) : text.slice(start, nl), false);
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
    this.onLine(n > 0 && line.charCodeAt(n - 1) === 13 ? line.slice(0, n - 1) : line, overlong);
  }
}
