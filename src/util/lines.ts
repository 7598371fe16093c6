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
 * Lines of the bytes read (UTF-8), offered before they are decoded: the handler reads the whole lines it can from
 * `start` where they lie, and returns the offset after the last line it read (`start` when none). It leaves
 * unread the first line it declines, any line longer than MAX_LINE, and any line whose newline is at or past
 * `limit` (where an ESC is: that line is decoded and its escapes removed); the splitter decodes what it left and
 * gives it to the RangeHandler as text.
 */
export type ByteLinesHandler = (bytes: Buffer, start: number, limit: number) => number;

/**
 * Bytes are turned into text 64 KiB at a time, however large the chunks read: the text of a bigger piece is a large
 * object for V8, paged in for it alone and freed only by a full collection, where 64 KiB of text is a young object
 * the next scavenge frees. Decoding a 1.3 GB log 1 MiB at a time took twice as long and peaked ~90 MB higher.
 */
export const DECODE_BYTES = 64 * 1024;

/** Bytes read as text (decoded whole) after a chunk whose lines the byte handler mostly declined, before trying again. */
const TEXT_BYTES_AFTER_DECLINES = 16 << 20;

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
  private readonly onBytes: ByteLinesHandler | null;
  /** Bytes still to be read as text before the byte handler is offered lines again. */
  private textBytes = 0;

  /**
   * `onLine` gets each line as a string; a RangeHandler (`{ ranges }`) gets it as a range of the text read, and a
   * ByteLinesHandler (`bytes`) is offered the lines as bytes first: most lines need never be decoded.
   */
  constructor(
    onLine: LineHandler | { ranges: RangeHandler; bytes?: ByteLinesHandler },
    private readonly maxLine = MAX_LINE,
  ) {
    this.onRange =
      typeof onLine === 'function'
        ? (text, start, end, overlong) =>
            onLine(start === 0 && end === text.length ? text : text.slice(start, end), overlong)
        : onLine.ranges;
    this.onBytes = typeof onLine === 'function' ? null : (onLine.bytes ?? null);
  }

  push(chunk: string | Uint8Array): void {
    if (typeof chunk === 'string') return this.pushText(chunk);
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.onBytes === null) return this.pushDecoded(bytes);
    if (this.textBytes > 0) {
      this.textBytes -= bytes.length;
      return this.pushDecoded(bytes);
    }
    this.pushBytes(bytes, this.onBytes);
  }

  /** Bytes decoded DECODE_BYTES at a time, and read as text. */
  private pushDecoded(bytes: Buffer): void {
    if (bytes.length <= DECODE_BYTES) return this.pushText(this.decoder.write(bytes));
    for (let at = 0; at < bytes.length; at += DECODE_BYTES) {
      this.pushText(this.decoder.write(bytes.subarray(at, at + DECODE_BYTES)));
    }
  }

  /**
   * The lines that lie whole in `bytes` are offered to the byte handler where they lie; the first (it ends a line
   * begun in an earlier piece), the last (it goes on in the next) and the ones the handler leaves are decoded and
   * read as text. When the handler left most of a chunk (a log whose every line carries a runner's timestamp),
   * the next chunks are decoded whole, which is cheaper than line by line, then bytes tried again.
   */
  private pushBytes(bytes: Buffer, onBytes: ByteLinesHandler): void {
    let nl = bytes.indexOf(10);
    if (nl === -1) return this.pushDecoded(bytes);
    let start = 0;
    if (this.pending.length > 0 || this.discarding || this.decoder.holding) {
      start = nl + 1;
      this.pushDecoded(bytes.subarray(0, start));
    }
    let esc = bytes.indexOf(27, start);
    let declined = 0;
    for (;;) {
      if (esc !== -1 && esc < start) esc = bytes.indexOf(27, start);
      start = onBytes(bytes, start, esc === -1 ? bytes.length : esc);
      nl = bytes.indexOf(10, start);
      if (nl === -1) break;
      declined += nl + 1 - start;
      if (nl - start > this.maxLine) {
        this.pushDecoded(bytes.subarray(start, nl + 1));
      } else {
        // A whole line, never longer than maxLine (in bytes, so in characters too), decoded on its own: a newline
        // never lies inside a UTF-8 character, so it decodes as it would have in the middle of the text.
        const end = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl;
        const line = bytes.toString('utf8', start, end);
        this.onRange(line, 0, line.length, false, esc !== -1 && esc < end);
      }
      start = nl + 1;
    }
    if (start < bytes.length) this.pushDecoded(bytes.subarray(start));
    // A chunk smaller than a decoded piece is too small a sample to judge by.
    if (bytes.length >= DECODE_BYTES && declined * 2 > bytes.length) this.textBytes = TEXT_BYTES_AFTER_DECLINES;
  }

  private pushText(text: string): void {
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
