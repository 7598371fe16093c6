// Lists a tar stream's entries (`docker export` of an image's container) without keeping the
// files' contents: names, types, sizes, modes, owners and link targets are all an image
// comparison needs. Reads ustar, GNU long names and PAX headers (Go's archive/tar writes PAX).

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Path without a leading `./` or `/`, directories without a trailing `/`. */
  path: string;
  type: TarEntryType;
  size: number;
  /** Permission bits and setuid/setgid/sticky (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  /** Target of a symlink or hard link, else ''. */
  link: string;
}

const BLOCK = 512;

function cString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? slice.length : nul).toString('utf8');
}

/** A numeric field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numeric(buf: Buffer, start: number, length: number): number {
  if (buf[start] & 0x80) {
    let n = buf[start] & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + buf[start + i];
    return n;
  }
  const text = cString(buf, start, length).trim();
  return text ? parseInt(text, 8) || 0 : 0;
}

/** PAX records: `<len> <key>=<value>\n`. */
export function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const len = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '\0' || flag === '' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

function cleanPath(path: string): string {
  return path.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** Fed the stream chunk by chunk; `end()` returns the entries in stream order. */
export class TarLister {
  private readonly entries: TarEntry[] = [];
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of file content (and padding) still to drop. */
  private skip = 0;
  /** A header whose data must be read whole (PAX, GNU long name): its kind and length. */
  private collect: { flag: string; size: number; padded: number } | null = null;
  private pax: Record<string, string> = {};
  private longName: string | null = null;
  private longLink: string | null = null;
  private done = false;

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.skip) {
      const dropped = Math.min(this.skip, chunk.length);
      this.skip -= dropped;
      chunk = chunk.subarray(dropped);
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.drain();
  }

  end(): TarEntry[] {
    return this.entries;
  }

  private drain(): void {
    for (;;) {
      if (this.skip) {
        const dropped = Math.min(this.skip, this.pending.length);
        this.skip -= dropped;
        this.pending = this.pending.subarray(dropped);
        if (this.skip) return;
      }
      if (this.collect) {
        if (this.pending.length < this.collect.padded) return;
        const data = this.pending.subarray(0, this.collect.size);
        if (this.collect.flag === 'x') Object.assign(this.pax, paxRecords(data));
        else if (this.collect.flag === 'L') this.longName = cString(data, 0, data.length);
        else if (this.collect.flag === 'K') this.longLink = cString(data, 0, data.length);
        this.pending = this.pending.subarray(this.collect.padded);
        this.collect = null;
        continue;
      }
      if (this.pending.length < BLOCK) return;
      const header = this.pending.subarray(0, BLOCK);
      this.pending = this.pending.subarray(BLOCK);
      if (header.every((b) => b === 0)) {
        // The end: two zero blocks (one is enough to stop reading).
        this.done = true;
        return;
      }
      this.header(header);
    }
  }

  private header(h: Buffer): void {
    const flag = String.fromCharCode(h[156]);
    let size = numeric(h, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'L' || flag === 'K') {
      this.collect = { flag, size, padded };
      return;
    }
    if (flag === 'g') {
      this.skip = padded; // global PAX defaults: docker export writes none that matter here
      return;
    }
    const magic = cString(h, 257, 6);
    const prefix = magic.startsWith('ustar') && h[263] === 0x30 ? cString(h, 345, 155) : '';
    const name = cString(h, 0, 100);
    const path = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${name}` : name);
    const link = this.pax.linkpath ?? this.longLink ?? cString(h, 157, 100);
    if (this.pax.size !== undefined) size = Number(this.pax.size);
    const type = typeOf(flag);
    this.entries.push({
      path: cleanPath(path),
      type,
      size: type === 'file' ? size : 0,
      mode: numeric(h, 100, 8) & 0o7777,
      uid: this.pax.uid !== undefined ? Number(this.pax.uid) : numeric(h, 108, 8),
      gid: this.pax.gid !== undefined ? Number(this.pax.gid) : numeric(h, 116, 8),
      link: type === 'symlink' || type === 'hardlink' ? link : '',
    });
    this.pax = {};
    this.longName = null;
    this.longLink = null;
    // Only regular files carry data (hard links and others have size 0 in practice; honour it anyway).
    this.skip = type === 'dir' || type === 'symlink' ? 0 : Math.ceil(size / BLOCK) * BLOCK;
  }
}
