import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { analyzeBuild, readBaseline } from './analysis/index.js';
import { changesFromGit, changesFromList, NO_CHANGES, type ChangeSet } from './analysis/changes.js';
import { parseThresholds, DEFAULT_THRESHOLDS } from './analysis/thresholds.js';
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
  /** Build context (default: the Dockerfile's folder), for matching changed files against COPY sources. */
  context?: string | null;
  baseline?: string | null;
  /** `--changed-files`: a list, or `@file` holding one. */
  changedFiles?: string | null;
  /** `--git-base`: compare with the merge base of this ref. */
  gitBase?: string | null;
  timeThreshold?: string | null;
  sizeThreshold?: string | null;
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

async function loadChanges(opts: AnalyzeOpts, dockerfile: string | null): Promise<ChangeSet> {
  if (opts.changedFiles) {
    const list = opts.changedFiles.startsWith('@')
      ? await readFile(opts.changedFiles.slice(1), 'utf8').catch((err: NodeJS.ErrnoException) => {
          const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a folder' : 'not readable';
          throw new Error(`'--changed-files' names '${opts.changedFiles}', which cannot be read (${why})`);
        })
      : opts.changedFiles;
    return changesFromList(list, process.cwd());
  }
  if (opts.gitBase)
    return changesFromGit(
      dockerfile ? dirname(resolve(dockerfile)) : process.cwd(),
      opts.gitBase,
      dockerfile ? resolve(dockerfile) : null,
    );
  return NO_CHANGES;
}

/** The whole pipeline on one log: parse, build the report, map onto the Dockerfile, analyse, render. */
export async function analyzeLog(
  input: AsyncIterable<string | Uint8Array>,
  opts: AnalyzeOpts,
): Promise<AnalyzeResponse> {
  let dockerfile: { path: string; parsed: Dockerfile; text: string } | null = null;
  if (opts.dockerfile) {
    try {
      const text = await readFile(opts.dockerfile, 'utf8');
      dockerfile = { path: opts.dockerfile, parsed: parseDockerfile(text), text };
    } catch {
      throw new Error(`cannot read the Dockerfile '${opts.dockerfile}'`);
    }
  }
  const thresholds = parseThresholds(opts.timeThreshold ?? '', opts.sizeThreshold ?? '', DEFAULT_THRESHOLDS);
  const read = opts.baseline ? await readBaseline(opts.baseline) : null;
  const baseline = read?.report ?? null;
  const changes = await loadChanges(opts, opts.dockerfile);
  const parsed = await parseStream(input, opts.progress);
  const report = buildReport(parsed, { file: opts.file, dockerfile });
  const contextDir = opts.context ? resolve(opts.context) : opts.dockerfile ? dirname(resolve(opts.dockerfile)) : null;
  await analyzeBuild(report, {
    dockerfile: dockerfile?.parsed ?? null,
    dockerfileSource: dockerfile,
    contextDir,
    changes,
    baseline,
    thresholds,
  });
  const notices: string[] = [];
  if (read?.problem) notices.push(badBaseline(opts.baseline!, read.problem));
  const unmapped = report.dockerfile?.unmapped ?? [];
  if (unmapped.length) {
    const some = unmapped.slice(0, 3).map((u) => `${u.id} (${u.reason})`);
    notices.push(`${unmapped.length} step(s) not found in ${opts.dockerfile}: ${some.join(', ')}`);
  }
  return { report, output: render(report, opts.format), notices, parsedVertices: parsed.vertices.length };
}

/** The one message of a baseline that is not a report: its path and the first bad field, never its content. */
export function badBaseline(path: string, problem: string): string {
  return `the baseline '${path}' is not a valid report (${problem}): the build is reported without a baseline`;
}
