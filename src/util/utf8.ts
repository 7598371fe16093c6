/**
 * Decodes UTF-8 that arrives in pieces cut anywhere. A piece that ends inside a character keeps
 * those bytes for the next one. (StringDecoder does the same, but took a third of rawjson parsing.)
 */
export class Utf8Pieces {
  private pending: Buffer | null = null;

  /** True while the bytes of a character cut by the last piece wait for the rest. */
  get holding(): boolean {
    return this.pending !== null;
  }

  write(piece: Buffer): string {
    const bytes = this.pending ? Buffer.concat([this.pending, piece]) : piece;
    this.pending = null;
    const end = completeLength(bytes);
    if (end < bytes.length) this.pending = Buffer.from(bytes.subarray(end));
    return bytes.toString('utf8', 0, end);
  }

  /** What is left at the end of the stream (a cut character decodes as U+FFFD). */
  end(): string {
    const rest = this.pending;
    this.pending = null;
    return rest ? rest.toString('utf8') : '';
  }
}

/** Length of the longest prefix that does not end inside a multi-byte character. */
function completeLength(bytes: Buffer): number {
  const n = bytes.length;
  // Walk back over at most 3 continuation bytes to the last lead byte.
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
