import { StringDecoder } from 'node:string_decoder';
import { DECODE_BYTES } from './lines.js';

export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

/** Bytes looked at before the encoding is decided (a BOM, or the NUL pattern of UTF-16 text). */
const SNIFF_BYTES = 512;

/**
 * The encoding of a log from its first bytes: a BOM (UTF-8, UTF-16LE, UTF-16BE), else the NUL bytes UTF-16
 * puts beside every ASCII character (most of a log is ASCII, whatever its first character: `#`, a digit, an
 * emoji a script printed), else UTF-8. Windows PowerShell 5.1's `| tee` and `>` write UTF-16LE with a BOM.
 */
export function sniffEncoding(head: Uint8Array): { encoding: TextEncoding; bom: number } {
  const [a, b, c] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf8', bom: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf16le', bom: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf16be', bom: 2 };
  const pairs = Math.floor(Math.min(head.length, SNIFF_BYTES) / 2);
  if (pairs === 0) return { encoding: 'utf8', bom: 0 };
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) evenZeros++;
    if (head[2 * i + 1] === 0) oddZeros++;
  }
  // UTF-8 text has no NUL; UTF-16 of mostly-ASCII text has one in (nearly) every pair, on one side only.
  if (oddZeros * 2 > pairs && evenZeros * 8 < pairs) return { encoding: 'utf16le', bom: 0 };
  if (evenZeros * 2 > pairs && oddZeros * 8 < pairs) return { encoding: 'utf16be', bom: 0 };
  return { encoding: 'utf8', bom: 0 };
}

/**
 * Turns an input of unknown encoding into what the parsers read: UTF-8 bytes are passed on untouched
 * (the common case costs nothing), UTF-16 is decoded to text in pieces cut anywhere (even inside a
 * character or a surrogate pair), and a BOM is dropped. Text chunks lose a leading U+FEFF.
 */
export class InputDecoder {
  private head: Buffer | null = null;
  private encoding: TextEncoding | null = null;
  private utf16: StringDecoder | null = null;
  /** UTF-16BE: an odd byte left over from the previous piece. */
  private odd: number | null = null;
  private first = true;

  /** What the piece gives to pass on (possibly nothing while the encoding is still undecided). */
  write(chunk: string | Uint8Array): (string | Uint8Array)[] {
    if (typeof chunk === 'string') {
      if (this.first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      if (chunk.length) this.first = false;
      return this.encoding === null && this.head === null ? [chunk] : [...this.flushHead(true), chunk];
    }
    if (this.encoding === null) {
      this.head = this.head ? Buffer.concat([this.head, chunk]) : Buffer.from(chunk);
      if (this.head.length < SNIFF_BYTES) return [];
      return this.flushHead(false);
    }
    return this.decodeAll(chunk);
  }

  /** The end of the input: what was held back. */
  end(): (string | Uint8Array)[] {
    const out = this.encoding === null ? this.flushHead(true) : [];
    if (this.utf16) {
      const rest = this.utf16.end();
      if (rest) out.push(rest);
    }
    return out.filter((c) => c.length > 0);
  }

  private flushHead(short: boolean): (string | Uint8Array)[] {
    const head = this.head;
    this.head = null;
    if (!head || head.length === 0) return [];
    if (!short && head.length < SNIFF_BYTES) return [];
    const { encoding, bom } = sniffEncoding(head);
    this.encoding = encoding;
    this.first = false;
    if (encoding !== 'utf8') this.utf16 = new StringDecoder('utf16le');
    const rest = head.subarray(bom);
    return rest.length ? this.decodeAll(rest) : [];
  }

  /** UTF-8 passed on whole; UTF-16 decoded DECODE_BYTES at a time (see there why). */
  private decodeAll(bytes: Uint8Array): (string | Uint8Array)[] {
    if (this.encoding === 'utf8' || bytes.length <= DECODE_BYTES) return [this.decode(bytes)];
    const out: (string | Uint8Array)[] = [];
    for (let at = 0; at < bytes.length; at += DECODE_BYTES)
      out.push(this.decode(bytes.subarray(at, at + DECODE_BYTES)));
    return out;
  }

  private decode(bytes: Uint8Array): string | Uint8Array {
    if (this.encoding === 'utf8') return bytes;
    if (this.encoding === 'utf16le')
      return this.utf16!.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    // UTF-16BE: swap each pair into little-endian order, keeping an odd byte for the next piece.
    const start = this.odd === null ? 0 : 1;
    const total = bytes.length + start;
    const even = total - (total % 2);
    const swapped = Buffer.allocUnsafe(even);
    for (let i = 0; i < even; i += 2) {
      const hi = i === 0 && start === 1 ? this.odd! : bytes[i - start];
      const lo = bytes[i + 1 - start];
      swapped[i] = lo;
      swapped[i + 1] = hi;
    }
    this.odd = total % 2 ? bytes[bytes.length - 1] : null;
    return this.utf16!.write(swapped);
  }
}
