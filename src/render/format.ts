// Small formatting helpers shared by the text and markdown renderers.

export function seconds(value: number | null): string {
  if (value === null) return '–';
  if (value >= 3600) return `${Math.floor(value / 3600)}h${String(Math.round((value % 3600) / 60)).padStart(2, '0')}m`;
  if (value >= 60) return `${Math.floor(value / 60)}m${String(Math.round(value % 60)).padStart(2, '0')}s`;
  return `${value.toFixed(1)}s`;
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

/** Cuts text to `max` characters on one line (control characters shown as spaces). */
export function oneLine(text: string, max = 100): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What a progress-bar line finally showed: the text after its last CR. */
export function lastFrame(line: string): string {
  const cr = line.lastIndexOf('\r');
  return cr === -1 ? line : line.slice(cr + 1);
}

/** A stage's steps in Dockerfile order (the log's order is the order they finished in). */
export function stageSteps<T extends { stageKey: string; index: number | null }>(steps: T[], key: string): T[] {
  return steps.filter((s) => s.stageKey === key).sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
}

/** What a suggestion is worth, as the renderers show it: the time it would have saved, or that it is a rule of thumb. */
export function suggestionGain(s: { savedSeconds: number | null; evidence: 'data' | 'static' }): string {
  if (s.savedSeconds !== null) return `would have saved ${seconds(s.savedSeconds)}`;
  return s.evidence === 'static' ? 'rule of thumb, not seen in this build' : 'seen in this build';
}
