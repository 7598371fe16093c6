import type { Thresholds } from '../model/report.js';
import { parseSize } from '../progress/text.js';

export const DEFAULT_THRESHOLDS: Thresholds = { timePercent: 20, minSeconds: 5, sizePercent: 5, minBytes: 1_000_000 };

/**
 * Reads `time-threshold` ("20%", "10s", "20%,5s") and `size-threshold` ("5%", "2MB", "5%,1MB"):
 * a percentage, an absolute floor, or both. A change is a regression past both.
 */
export function parseThresholds(time: string, size: string, base: Thresholds = DEFAULT_THRESHOLDS): Thresholds {
  const out = { ...base };
  for (const part of time
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(part);
    const secs = /^(\d+(?:\.\d+)?)s$/.exec(part);
    if (pct) out.timePercent = Number(pct[1]);
    else if (secs) out.minSeconds = Number(secs[1]);
    else throw new Error(`'time-threshold' must be like "20%", "5s" or "20%,5s" but got '${time}'`);
  }
  for (const part of size
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(part);
    const bytes = parseSize(part.replace(/\s+/g, ''));
    if (pct) out.sizePercent = Number(pct[1]);
    else if (bytes !== null) out.minBytes = bytes;
    else throw new Error(`'size-threshold' must be like "5%", "1MB" or "5%,1MB" but got '${size}'`);
  }
  return out;
}

/** Grew past both the share and the floor. */
export function grew(from: number | null, to: number | null, percent: number, floor: number): boolean {
  if (from === null || to === null) return false;
  const delta = to - from;
  if (delta <= floor) return false;
  return from === 0 || (delta / from) * 100 > percent;
}
