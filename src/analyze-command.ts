// The `analyze` command: its options turned into the pipeline's, the report rendered in the chosen format.
// Shared by the CLI's `analyze` and `verify` commands.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { badBaseline, readBaseline } from './analysis/index.js';
import { changesFromGit, changesFromList, NO_CHANGES, type ChangeSet } from './analysis/changes.js';
import { DEFAULT_THRESHOLDS, parseThresholds } from './analysis/thresholds.js';
import { loadDockerfile } from './dockerfile/source.js';
import type { BuildReport } from './model/report.js';
import { analyze } from './pipeline/analyze.js';
import type { ProgressFormat } from './progress/types.js';
import { renderMarkdown } from './render/markdown.js';
import { renderText } from './render/text.js';
import { batched, jsonPieces } from './util/json-stream.js';

export type OutputFormat = 'text' | 'md' | 'json';

/** The `analyze` command's options, as the command line gives them. */
export interface AnalyzeCommandOpts {
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

export interface AnalyzeCommandResponse {
  report: BuildReport;
  /** The rendering, in pieces (a JSON report of a million steps is longer than one string can be). */
  output: Iterable<string>;
  /** Things the user should know that are not in the report (e.g. steps that could not be mapped). */
  notices: string[];
  parsedVertices: number;
}

export function* render(report: BuildReport, format: OutputFormat): Generator<string> {
  if (format === 'json') {
    yield* batched(jsonPieces(report, 2));
    yield '\n';
  } else yield format === 'md' ? renderMarkdown(report) : renderText(report);
}

async function loadChanges(opts: AnalyzeCommandOpts, dockerfile: string | null): Promise<ChangeSet> {
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

/** The `analyze` command: its options turned into the pipeline's, the report rendered in the chosen format. */
export async function analyzeLog(
  input: AsyncIterable<string | Uint8Array>,
  opts: AnalyzeCommandOpts,
): Promise<AnalyzeCommandResponse> {
  const dockerfile = opts.dockerfile ? await loadDockerfile(opts.dockerfile).catch(() => null) : null;
  if (opts.dockerfile && !dockerfile) throw new Error(`cannot read the Dockerfile '${opts.dockerfile}'`);
  const thresholds = parseThresholds(opts.timeThreshold ?? '', opts.sizeThreshold ?? '', DEFAULT_THRESHOLDS);
  const read = opts.baseline ? await readBaseline(opts.baseline) : null;
  const baseline = read?.report ?? null;
  const changes = await loadChanges(opts, opts.dockerfile);
  const contextDir = opts.context ? resolve(opts.context) : opts.dockerfile ? dirname(resolve(opts.dockerfile)) : null;
  const { report, vertices } = await analyze(
    { log: input, file: opts.file, format: opts.progress },
    { dockerfile, contextDir, changes, baseline, thresholds },
  );
  const notices: string[] = [];
  if (read?.problem) notices.push(badBaseline(opts.baseline!, read.problem));
  const unmapped = report.dockerfile?.unmapped ?? [];
  if (unmapped.length) {
    const some = unmapped.slice(0, 3).map((u) => `${u.id} (${u.reason})`);
    notices.push(`${unmapped.length} step(s) not found in ${opts.dockerfile}: ${some.join(', ')}`);
  }
  return { report, output: render(report, opts.format), notices, parsedVertices: vertices };
}
