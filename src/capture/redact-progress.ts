import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Redactor } from '../model/redact.js';

/**
 * Redacts one progress line before it is saved or shown. rawjson carries step output as base64,
 * which plain text replacement cannot see: those fields are decoded, redacted and encoded again.
 */
export function redactProgressLine(line: string, redactor: Redactor): string {
  if (!redactor.active) return line;
  if (line.startsWith('{') && (line.includes('"logs"') || line.includes('"warnings"'))) {
    try {
      const msg = JSON.parse(line) as {
        logs?: { data?: string }[];
        warnings?: { short?: string; detail?: string[] }[];
      };
      const fix = (b64: string) =>
        Buffer.from(redactor.text(Buffer.from(b64, 'base64').toString('utf8'))).toString('base64');
      for (const l of msg.logs ?? []) if (typeof l.data === 'string') l.data = fix(l.data);
      for (const w of msg.warnings ?? []) {
        if (typeof w.short === 'string') w.short = fix(w.short);
        if (Array.isArray(w.detail)) w.detail = w.detail.map((d) => (typeof d === 'string' ? fix(d) : d));
      }
      return redactor.text(JSON.stringify(msg));
    } catch {
      // not JSON after all: redact as text
    }
  }
  return redactor.text(line);
}

/** Copies a saved log line by line, redacted (analyze mode keeps the log it read beside the report). */
export async function copyRedacted(src: string, dest: string, redactor: Redactor): Promise<void> {
  const out = createWriteStream(dest);
  const lines = createInterface({ input: createReadStream(src), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!out.write(`${redactProgressLine(line, redactor)}\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}
