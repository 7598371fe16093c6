import { readFile } from 'node:fs/promises';
import { parseDockerfile, type Dockerfile } from './dockerfile/parse.js';
import { buildReport } from './model/build-report.js';
import type { BuildReport } from './model/report.js';
import { parseStream } from './progress/index.js';
import type { ProgressFormat } from './progress/types.js';
import { renderMarkdown } from './render/markdown.js';
import { renderText } from './render/text.js';

export type OutputFormat = 'text' | 'md' | 'json';

export interface AnalyzeOpts {
  /** The log's name for the report (null for stdin). */
  file: string | null;
  /** Dockerfile to map steps onto lines. */
  dockerfile: string | null;
  format: OutputFormat;
  /** Force a progress format instead of detecting it. */
  progress?: ProgressFormat;
}

export interface AnalyzeResponse {
  report: BuildReport;
  output: string;
  /** Things the user should know that are not in the report (e.g. steps that could not be mapped). */
  notices: string[];
  parsedVertices: number;
}

export function render(report: BuildReport, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'md' ? renderMarkdown(report) : renderText(report);
}

/** The whole pipeline on one log: parse, build the report, map onto the Dockerfile, render. */
export async function analyzeLog(
  input: AsyncIterable<string | Uint8Array>,
  opts: AnalyzeOpts,
): Promise<AnalyzeResponse> {
  let dockerfile: { path: string; parsed: Dockerfile } | null = null;
  if (opts.dockerfile) {
    try {
      dockerfile = { path: opts.dockerfile, parsed: parseDockerfile(await readFile(opts.dockerfile, 'utf8')) };
    } catch {
      throw new Error(`cannot read the Dockerfile '${opts.dockerfile}'`);
    }
  }
  const parsed = await parseStream(input, opts.progress);
  const report = buildReport(parsed, { file: opts.file, dockerfile });
  const notices: string[] = [];
  const unmapped = report.dockerfile?.unmapped ?? [];
  if (unmapped.length) {
    const some = unmapped.slice(0, 3).map((u) => `${u.id} (${u.reason})`);
    notices.push(`${unmapped.length} step(s) not found in ${opts.dockerfile}: ${some.join(', ')}`);
  }
  return { report, output: render(report, opts.format), notices, parsedVertices: parsed.vertices.length };
}
