import { LineSplitter } from '../util/lines.js';
import { splitTimestamp } from './text.js';
import type { ProgressFormat } from './types.js';

const RAWJSON_KEYS = ['vertexes', 'statuses', 'logs', 'warnings'];
/** How much input may be read before giving up on finding a telling line. */
export const DETECT_LIMIT = 1 << 20;

/** The format a single line tells, or null when it tells nothing (blank lines, banners). */
export function formatOfLine(raw: string): ProgressFormat | null {
  const line = splitTimestamp(raw).rest.trimStart();
  if (/^#\d+ /.test(line)) return 'plain';
  if (line.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && RAWJSON_KEYS.some((k) => k in value)) return 'rawjson';
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Watches the first lines of a stream and tells its format as soon as one line is telling. It reads
 * the first DETECT_LIMIT bytes (characters, for text) and never past them, however the stream is
 * chunked: a telling line beyond them would be found in one big chunk and missed in small ones.
 */
export class FormatDetector {
  private found: ProgressFormat | null = null;
  private read = 0;
  private readonly splitter = new LineSplitter((line) => {
    if (this.found === null) this.found = formatOfLine(line);
  }, DETECT_LIMIT);

  push(chunk: string | Uint8Array): ProgressFormat | null {
    const room = DETECT_LIMIT - this.read;
    this.read += chunk.length;
    if (this.found !== null || room <= 0) return this.found;
    this.splitter.push(typeof chunk === 'string' ? chunk.slice(0, room) : chunk.subarray(0, room));
    return this.found;
  }

  end(): ProgressFormat | null {
    if (this.found === null) this.splitter.end();
    return this.found;
  }
}
