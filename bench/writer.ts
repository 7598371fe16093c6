// Buffered, backpressure-aware file writer: the generators produce hundreds of MB line by line,
// so lines are gathered into ~1 MiB strings (few syscalls) and never more than that is held.
import { createWriteStream, renameSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';

const FLUSH_AT = 1 << 20;

export class LineWriter {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private pending = 0;
  /** Bytes written so far (flushed or pending). */
  bytes = 0;

  /** Writes to `<path>.tmp` and renames on close, so a killed run never leaves a file that looks complete. */
  constructor(private readonly path: string) {
    this.stream = createWriteStream(`${path}.tmp`);
  }

  /** Adds one line (a newline is appended). Returns true when the caller should `await flush()`. */
  line(text: string): boolean {
    this.parts.push(text, '\n');
    // Byte length is exact for ASCII and a slight undercount otherwise; `close` reports the true size.
    this.pending += text.length + 1;
    this.bytes += text.length + 1;
    return this.pending >= FLUSH_AT;
  }

  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Flushes, closes and renames into place; returns the file's size in bytes. */
  async close(): Promise<number> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    renameSync(`${this.path}.tmp`, this.path);
    return this.stream.bytesWritten;
  }
}
