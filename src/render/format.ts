import type { Suggestion } from '../model/report.js';
// Small formatting helpers shared by the text and markdown renderers.

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A duration: `12.3s`, `23m60s`-free `24m00s` (the whole is rounded before it is split, so 1439.7 s is
 * `24m00s` and 3599.7 s `1h00m`), `1h05m`. `atLeast`: a lower bound, `≥ 40.1s` (rounded down, never up).
 */
/**
 * Steps listed one by one (the terminal's lines, the markdown's table): past that they are counted, and the JSON
 * report lists them all. 100,000 steps were 100,000 lines, and a table no job summary could hold.
 */
export const STEPS_LISTED = 1_000;

export function seconds(value: number | null, atLeast = false): string {
  if (value === null) return '–';
  if (atLeast) return `≥ ${seconds(value >= 59.95 ? Math.floor(value) : Math.floor(value * 10) / 10)}`;
  if (value < 59.95) return `${value.toFixed(1)}s`;
  const total = Math.round(value);
  if (total < 3600) return `${Math.floor(total / 60)}m${pad2(total % 60)}s`;
  const minutes = Math.round(value / 60);
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

/** A step's time as the renderers show it: none for a cached step, a pull's time, a lower bound as such. */
export function stepSeconds(step: { status: string; seconds: number | null; secondsAtLeast?: boolean }): string {
  if (step.status === 'cached' || step.seconds === null) return '';
  return seconds(step.seconds, step.secondsAtLeast === true);
}

/** A stage's (or target's) summed time; a lower bound when one of its steps' times is. */
export function stageSeconds(stage: { seconds: number; secondsAtLeast?: boolean }): string {
  return seconds(stage.seconds, stage.secondsAtLeast === true);
}

export function percent(ratio: number | null): string {
  return ratio === null ? '–' : `${Math.round(ratio * 100)}%`;
}

export function bytes(value: number | null): string {
  if (value === null) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Cuts text to `max` characters on one line (control characters shown as spaces), after a word when one ends
 * within the last quarter: `cat src/*.js > …`, not `cat src/*.js > dis…`.
 */
export function oneLine(text: string, max = 100): string {
  // Most text has none: it is then not copied.
  const flat = (CONTROL.test(text) ? text.replace(CONTROLS, ' ') : text).trim();
  if (flat.length <= max) return flat;
  const space = flat.lastIndexOf(' ', max - 2);
  const cut = space > 0 && space >= max - 1 - Math.max(8, max >> 2) ? space + 1 : max - 1;
  return `${flat.slice(0, cut)}…`;
}

/** What a progress-bar line finally showed: the text after its last CR. */
export function lastFrame(line: string): string {
  const cr = line.lastIndexOf('\r');
  return cr === -1 ? line : line.slice(cr + 1);
}

/**
 * Each stage's steps in Dockerfile order (the log's order is the order they finished in), grouped in one
 * pass: a filter per stage is quadratic on a Dockerfile of thousands of stages.
 */
export function stepsByStage<T extends { stageKey: string; index: number | null }>(steps: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const s of steps) {
    const list = out.get(s.stageKey);
    if (list) list.push(s);
    else out.set(s.stageKey, [s]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
  return out;
}

/** What a suggestion is worth, as the renderers show it: the time it would have saved, or that it is a rule of thumb. */
export function suggestionGain(s: Pick<Suggestion, 'savedSeconds' | 'evidence' | 'gain' | 'confidence'>): string {
  const tag =
    s.savedSeconds !== null
      ? `would have saved ${seconds(s.savedSeconds)}`
      : s.evidence === 'static'
        ? 'rule of thumb, not seen in this build'
        : 'seen in this build';
  const g = s.gain;
  const amount =
    g.value === null
      ? 'keeps package lists fresh'
      : g.kind === 'seconds'
        ? `${g.basis === 'measured' ? '' : '~'}${seconds(g.value)} per re-run`
        : g.kind === 'bytes'
          ? `${g.basis === 'measured' ? '' : '~'}${bytes(g.value)} smaller`
          : `${g.value} layer(s) fewer`;
  return `${tag}; gain ${amount} (${g.basis}), confidence ${s.confidence}`;
}

/** True when a vertex served every one of the build's (more than two) targets: said "all 4 targets". */
export function servesAll(targets: string[], all: number): boolean {
  return all > 2 && targets.length === all;
}

/** The targets one vertex served: "all 4 targets" when it served every one, else "targets a, b". */
export function servedTargets(targets: string[], all = 0): string {
  return servesAll(targets, all) ? `all ${all} targets` : `targets ${targets.join(', ')}`;
}
