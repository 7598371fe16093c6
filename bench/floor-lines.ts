// The floor: read the log, decode it, split it into lines (and JSON.parse each line for rawjson), as any program
// that reads a log's lines must. bench/worker.ts runs it in-process for the parsers' ratios; bench/floor.ts is the
// same as a program of its own, for the whole CLI process's ratio.
import { StringDecoder } from 'node:string_decoder';
import { DECODE_BYTES } from '../src/util/lines.js';
import { readLog } from '../src/util/read-log.js';

/**
 * Read and decoded as a line reader must: reads of LOG_READ_BYTES decoded 64 KiB at a time (a floor that decoded
 * 1 MiB at once ran at half this speed, and made the tool look closer to it than it is). Returns the lines.
 */
export async function floor(file: string, json: boolean): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lines = 0;
  for await (const chunk of readLog(file)) {
    for (let at = 0; at < (chunk as Buffer).length; at += DECODE_BYTES) {
      const text = rest + decoder.write((chunk as Buffer).subarray(at, at + DECODE_BYTES));
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl !== -1) {
        if (json) {
          try {
            JSON.parse(text.slice(start, nl));
          } catch {
            // non-JSON lines are part of the real streams
          }
        }
        lines++;
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      rest = text.slice(start);
    }
  }
  return lines;
}
