import { InputDecoder } from '../util/decode.js';
import { readLog } from '../util/read-log.js';
import { DETECT_LIMIT, FormatDetector } from './detect.js';
import { PlainParser } from './plain.js';
import { RawJsonParser } from './rawjson.js';
import type { ParsedBuild, ProgressFormat } from './types.js';

export type * from './types.js';
export { PlainParser } from './plain.js';
export { RawJsonParser } from './rawjson.js';

export interface ProgressParser {
  push(chunk: string | Uint8Array): void;
  end(): ParsedBuild;
}

/**
 * A parser that reads the first telling line, picks plain or rawjson, and replays what it
 * held back. It holds at most DETECT_LIMIT bytes before deciding (plain, by default).
 * Input in UTF-16 (LE or BE, with or without a BOM) or UTF-8 with a BOM is decoded first.
 */
export class AutoParser implements ProgressParser {
  private readonly decoder = new InputDecoder();
  private readonly detector = new FormatDetector();
  private held: (string | Uint8Array)[] = [];
  private heldBytes = 0;
  private parser: ProgressParser | null = null;

  constructor(private readonly format?: ProgressFormat) {
    if (format) this.parser = newParser(format);
  }

  push(chunk: string | Uint8Array): void {
    for (const piece of this.decoder.write(chunk)) this.pushDecoded(piece);
  }

  private pushDecoded(chunk: string | Uint8Array): void {
    if (this.parser) return this.parser.push(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const found = this.detector.push(chunk);
    if (found || this.heldBytes > DETECT_LIMIT) this.start(found ?? 'plain');
  }

  end(): ParsedBuild {
    for (const piece of this.decoder.end()) this.pushDecoded(piece);
    if (!this.parser) this.start(this.detector.end() ?? 'plain');
    return this.parser!.end();
  }

  private start(format: ProgressFormat): void {
    this.parser = newParser(format);
    for (const chunk of this.held) this.parser.push(chunk);
    this.held = [];
  }
}

function newParser(format: ProgressFormat): ProgressParser {
  return format === 'rawjson' ? new RawJsonParser() : new PlainParser();
}

export function createParser(format?: ProgressFormat): ProgressParser {
  return new AutoParser(format);
}

export function parseText(text: string | Uint8Array, format?: ProgressFormat): ParsedBuild {
  const parser = createParser(format);
  parser.push(text);
  return parser.end();
}

export async function parseStream(
  stream: AsyncIterable<string | Uint8Array>,
  format?: ProgressFormat,
): Promise<ParsedBuild> {
  const parser = createParser(format);
  for await (const chunk of stream) parser.push(chunk);
  return parser.end();
}

export function parseFile(path: string, format?: ProgressFormat): Promise<ParsedBuild> {
  return parseStream(readLog(path), format);
}
