import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Redactor } from '../model/redact.js';
import { InputDecoder } from '../util/decode.js';
import { Utf8Pieces } from '../util/utf8.js';

interface LogRecord {
  vertex?: unknown;
  stream?: unknown;
  data?: unknown;
  timestamp?: unknown;
}

interface Pending {
  vertex: string;
  stream: unknown;
  timestamp: unknown;
  decoder: Utf8Pieces;
  /** Decoded text held back: it could be the start of a value that the vertex's next record ends. */
  text: string;
}

/**
 * Redacts a progress stream line by line before it is saved, shown or parsed. rawjson carries each
 * step's output as base64 in `logs[].data`, cut anywhere: a value can start in one record and end in
 * the next. Each vertex's output is decoded as one text and redacted over a window across its
 * records; what could be the start of a value waits for the vertex's next record (or its end).
 */
export class ProgressRedactor {
  private readonly pending = new Map<string, Pending>();
  /** The pending keys of each vertex (one per stream): a vertex's end looks up its own, not every vertex's. */
  private readonly keysOf = new Map<string, string[]>();

  constructor(private readonly redactor: Redactor) {}

  /** The redacted line(s) for one input line: held-back output of a vertex that ends here comes first. */
  line(line: string): string[] {
    if (!this.redactor.active) return [line];
    const start = line.indexOf('{');
    if (start === -1 || line.slice(0, start).trim() !== '') return [this.redactor.text(line)];
    let msg: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line.slice(start));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [this.redactor.text(line)];
      msg = parsed as Record<string, unknown>;
    } catch {
      return [this.redactor.text(line)];
    }
    if (!Array.isArray(msg.logs) && !Array.isArray(msg.warnings) && !Array.isArray(msg.vertexes))
      return [this.redactor.text(line)];
    const before: string[] = [];
    // A vertex that completes here: what it held back is out before its end.
    if (Array.isArray(msg.vertexes)) {
      for (const v of msg.vertexes as { digest?: unknown; completed?: unknown }[]) {
        if (v && typeof v.digest === 'string' && v.completed) for (const l of this.flush(v.digest)) before.push(l);
      }
    }
    if (Array.isArray(msg.logs)) {
      for (const l of msg.logs as LogRecord[]) if (l && typeof l.data === 'string') this.log(l);
    }
    if (Array.isArray(msg.warnings)) {
      for (const w of msg.warnings as { short?: unknown; detail?: unknown }[]) {
        if (!w || typeof w !== 'object') continue;
        if (typeof w.short === 'string') w.short = this.fix(w.short);
        if (Array.isArray(w.detail)) w.detail = w.detail.map((d) => (typeof d === 'string' ? this.fix(d) : d));
      }
    }
    return [...before, line.slice(0, start) + this.redactor.text(JSON.stringify(msg))];
  }

  /** Whatever is still held back, as log records of their vertices (the stream has ended). */
  end(): string[] {
    this.keysOf.clear();
    return [...this.pending.keys()].flatMap((key) => this.flushKey(key));
  }

  private fix(b64: string): string {
    return Buffer.from(this.redactor.text(Buffer.from(b64, 'base64').toString('utf8'))).toString('base64');
  }

  private log(l: LogRecord): void {
    const vertex = typeof l.vertex === 'string' ? l.vertex : '';
    const key = `${vertex}\u0000${String(l.stream ?? '')}`;
    let p = this.pending.get(key);
    if (!p) {
      p = { vertex, stream: l.stream, timestamp: l.timestamp, decoder: new Utf8Pieces(), text: '' };
      this.pending.set(key, p);
      const keys = this.keysOf.get(vertex);
      if (keys) keys.push(key);
      else this.keysOf.set(vertex, [key]);
    }
    p.timestamp = l.timestamp;
    const text = this.redactor.text(p.text + p.decoder.write(Buffer.from(l.data as string, 'base64')));
    const hold = this.redactor.pendingLength(text);
    p.text = text.slice(text.length - hold);
    l.data = Buffer.from(text.slice(0, text.length - hold)).toString('base64');
  }

  private flush(vertex: string): string[] {
    const keys = this.keysOf.get(vertex);
    if (!keys) return [];
    this.keysOf.delete(vertex);
    return keys.flatMap((k) => this.flushKey(k));
  }

  private flushKey(key: string): string[] {
    const p = this.pending.get(key)!;
    this.pending.delete(key);
    const text = this.redactor.text(p.text + p.decoder.end());
    if (!text) return [];
    const record: Record<string, unknown> = { vertex: p.vertex };
    if (p.stream !== undefined) record.stream = p.stream;
    record.data = Buffer.from(text).toString('base64');
    if (p.timestamp !== undefined) record.timestamp = p.timestamp;
    return [JSON.stringify({ logs: [record] })];
  }
}

/** Redacts one progress line on its own (no window across records): for text that is not a stream. */
export function redactProgressLine(line: string, redactor: Redactor): string {
  return new ProgressRedactor(redactor).line(line).join('\n');
}

/** Copies a saved log line by line, redacted (analyze mode keeps the log it read beside the report). */
export async function copyRedacted(src: string, dest: string, redactor: Redactor): Promise<void> {
  const out = createWriteStream(dest);
  const progress = new ProgressRedactor(redactor);
  // Decoded as the parser decodes it (UTF-16 from Windows PowerShell, a BOM): a value is only found in text.
  const lines = createInterface({ input: Readable.from(decoded(src)), crlfDelay: Infinity });
  const write = async (text: string) => {
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  };
  try {
    for await (const line of lines) for (const l of progress.line(line)) await write(l);
    for (const l of progress.end()) await write(l);
  } finally {
    out.end();
    await once(out, 'close');
  }
}

async function* decoded(src: string): AsyncGenerator<string | Uint8Array> {
  const decoder = new InputDecoder();
  for await (const chunk of createReadStream(src)) yield* decoder.write(chunk as Buffer);
  yield* decoder.end();
}

/** A whole progress text redacted as a stream (a build record read back from BuildKit's history). */
export function redactProgressText(text: string, redactor: Redactor): string {
  if (!redactor.active) return text;
  const progress = new ProgressRedactor(redactor);
  const lines = text.split('\n');
  const last = lines.pop();
  const out = lines.flatMap((l) => progress.line(l));
  // Line by line: the held-back output of 100,000 unfinished vertices is no argument list.
  for (const l of last ? progress.line(last) : []) out.push(l);
  for (const l of progress.end()) out.push(l);
  return out.join('\n') + (text.endsWith('\n') || out.length ? '\n' : '');
}
