import { applyPatch } from 'diff';
import { suggestWith } from '../../src/analysis/suggest/index.js';
import { loadShell } from '../../src/dockerfile/shell.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport, Suggestion } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';

/** The shell parser, loaded once for the test files that use these helpers. */
export const shell = await loadShell();

/** Suggestions for a Dockerfile alone (no build data): what the static rules say. */
export function suggestStatic(text: string, contextDir: string | null = null, report?: BuildReport): Suggestion[] {
  const parsed = parseDockerfile(text);
  const r = report ?? buildReport(parseText(''), { dockerfile: { path: 'Dockerfile', parsed } });
  return suggestWith(shell, r, { file: 'Dockerfile', text, dockerfile: parsed, contextDir });
}

/** The file after applying a suggestion's diff; throws when it does not apply cleanly. */
export function applied(before: string, s: Suggestion): string {
  const after = applyPatch(before, s.diff);
  if (after === false) throw new Error(`the diff of ${s.rule} does not apply:\n${s.diff}`);
  return after;
}
