// `buildkit-cache-analytics suggest <Dockerfile>`: the suggestion rules without a build log. The same rules
// and diffs as the analysis (src/analysis/suggest/), run on a report with no steps, so every suggestion is
// a rule of thumb (its gain estimated from the class of the commands it protects).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { suggest } from './analysis/suggest/index.js';
import { parseDockerfile } from './dockerfile/parse.js';
import { buildReport } from './pipeline/build-report.js';
import type { Suggestion } from './model/report.js';
import { parseText } from './progress/index.js';
import { escapeMarkdown, fence } from './render/escape.js';
import { oneLine, suggestionGain } from './render/format.js';

export interface SuggestFileOpts {
  /** The build context (default: the Dockerfile's folder). */
  context?: string | null;
}

export interface SuggestFileResponse {
  file: string;
  suggestions: Suggestion[];
}

/** The suggestions for a Dockerfile alone. Throws when the file cannot be read. */
export async function suggestFile(file: string, opts: SuggestFileOpts = {}): Promise<SuggestFileResponse> {
  const text = await readFile(file, 'utf8');
  const parsed = parseDockerfile(text);
  const report = buildReport(parseText(''), { dockerfile: { path: file, parsed, text } });
  const suggestions = await suggest(report, {
    file,
    text,
    dockerfile: parsed,
    contextDir: opts.context ?? dirname(file),
  });
  return { file, suggestions };
}

export function suggestionsText(r: SuggestFileResponse): string {
  const out: string[] = [];
  r.suggestions.forEach((s, i) => {
    const also = s.also?.length ? ` + ${s.also.map((a) => a.rule).join(', ')}` : '';
    out.push(`${i + 1}. [${s.rule}${also}] ${s.title} (${s.file}, lines ${s.lines.start}-${s.lines.end})`);
    out.push(`   ${oneLine(suggestionGain(s), 200)}`);
    out.push(`   ${oneLine(s.why, 400)}`);
    for (const line of s.diff.trimEnd().split('\n')) out.push(`   ${line}`);
    out.push('');
  });
  return out.length ? `${out.join('\n')}\n` : '';
}

export function suggestionsMarkdown(r: SuggestFileResponse): string {
  const out: string[] = [];
  for (const s of r.suggestions) {
    const where = `${escapeMarkdown(oneLine(s.file, 60))} lines ${s.lines.start}–${s.lines.end}`;
    out.push(
      `**${escapeMarkdown(oneLine(s.title, 100))}** (\`${s.rule}\`${s.also?.length ? ` + ${s.also.map((a) => `\`${a.rule}\``).join(', ')}` : ''}, ${where} · ${escapeMarkdown(suggestionGain(s))})`,
      '',
      escapeMarkdown(oneLine(s.why, 400)),
      '',
      fence(s.diff, 'diff'),
      '',
    );
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The one line the command ends with (stderr). */
export function suggestSummary(r: SuggestFileResponse): string {
  const n = r.suggestions.length;
  return n ? `${r.file}: ${n} suggestion(s) (rules of thumb: no build log)` : `${r.file}: no suggestions`;
}
