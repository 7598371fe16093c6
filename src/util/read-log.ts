import { createReadStream, type ReadStream } from 'node:fs';

/**
 * A log is read 1 MiB at a time: each read is a round trip to libuv's thread pool, and fewer of them leave the
 * parser less time waiting. (The parser decodes each read in smaller pieces, see `AutoParser`.)
 */
export const LOG_READ_BYTES = 1 << 20;

/** The log at `path` as a stream of byte chunks. */
export function readLog(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: LOG_READ_BYTES });
}
