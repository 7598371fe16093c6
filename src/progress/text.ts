import { stripVTControlCharacters } from 'node:util';

// `2024-05-02T10:11:12.1234567Z ` as GitHub Actions writes before every line of a job log. A log
// download writes a blank line as the bare timestamp, without the space.
const GH_TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)(?: |$)/;

/** Splits off a GitHub Actions timestamp; returns the time in ms (or null) and the rest. */
export function splitTimestamp(line: string): { ms: number | null; rest: string } {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57) return { ms: null, rest: line };
  const m = GH_TIMESTAMP.exec(line);
  if (!m) return { ms: null, rest: line };
  const ms = Date.parse(m[1]);
  return { ms: Number.isNaN(ms) ? null : ms, rest: line.slice(m[0].length) };
}

/** Removes ANSI colour codes and other terminal control sequences (kept: CR, tab). */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? stripVTControlCharacters(text) : text;
}

/**
 * The longest time a step is believed to take (about 32 years). A printed time beyond it is a corrupt
 * line, read as no time: it also keeps any sum of step times finite (a 400-digit time is Infinity).
 */
const MAX_SECONDS = 1e9;

/** Parses `12.3` (a printed duration in seconds); null when it is no plausible time. */
export function parseSeconds(text: string): number | null {
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 && n <= MAX_SECONDS ? n : null;
}

/** Parses `88.68MB`, `737.50kB`, `2B`, `1.5GiB` (go-units style, as BuildKit prints sizes) to bytes. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kKMGTP]?)(i?)B$/.exec(text);
  if (!m) return null;
  const base = m[3] ? 1024 : 1000;
  const power = ' kMGTP'.indexOf(m[2].toUpperCase() === 'K' ? 'k' : m[2] || ' ');
  const bytes = Math.round(Number(m[1]) * base ** Math.max(power, 0));
  // Past 2^53 bytes (8 PiB) a size is neither exact nor real: a corrupt line (or Infinity).
  return Number.isSafeInteger(bytes) ? bytes : null;
}
