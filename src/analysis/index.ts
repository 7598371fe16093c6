import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dockerfile } from '../dockerfile/parse.js';
import type { History } from '../model/history.js';
import type { BuildReport, Thresholds } from '../model/report.js';
import { reportProblem } from '../model/validate-report.js';
import { NO_CHANGES, type ChangeSet } from './changes.js';
import { compareReports } from './compare.js';
import { CopySourceMatcher } from './copy-sources.js';
import { criticalPath } from './critical-path.js';
import { buildGraph } from './graph.js';
import { findRootCauses } from './root-causes.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import { suggest } from './suggest/index.js';

export interface AnalyzeBuildOpts {
  dockerfile: Dockerfile | null;
  /** The Dockerfile's path (as given) and text: suggestions are edits of it. */
  dockerfileSource?: { path: string; text: string } | null;
  /** Absolute path of the build context: COPY sources and .dockerignore are read against it. */
  contextDir?: string | null;
  changes?: ChangeSet;
  baseline?: BuildReport | null;
  /** Earlier builds of the branch, from the baseline store: how often each step re-ran ranks suggestions. */
  history?: History | null;
  thresholds?: Thresholds;
}

/** Builds the matcher for COPY sources of a context, honouring its .dockerignore. */
export async function copyMatcherFor(contextDir: string): Promise<CopySourceMatcher> {
  const ignore = await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => null);
  return new CopySourceMatcher(contextDir, ignore);
}

export interface BaselineResponse {
  report: BuildReport | null;
  /** Why the file is no baseline: unreadable, not JSON, or the first field the report's schema rejects. */
  problem: string | null;
}

/**
 * Reads a baseline report and checks the whole document against the report's JSON Schema. A bad one is no
 * baseline, never an error: the problem names the first bad field, never the file's content (anyone who can
 * edit the file could put text there meant for the log or the comment).
 */
export async function readBaseline(path: string): Promise<BaselineResponse> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { report: null, problem: code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})` };
  }
  return baselineFrom(text);
}

/** A baseline's text checked as `readBaseline` does. */
export function baselineFrom(text: string): BaselineResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { report: null, problem: 'it is not JSON' };
  }
  const problem = reportProblem(value);
  return problem ? { report: null, problem } : { report: value as BuildReport, problem: null };
}

/** Step graph, critical path, root causes of misses, and the comparison with a baseline. */
export async function analyzeBuild(report: BuildReport, opts: AnalyzeBuildOpts): Promise<void> {
  const changes = opts.changes ?? NO_CHANGES;
  const graph = buildGraph(report, opts.dockerfile);
  const rootCauses = findRootCauses(report, {
    graph,
    dockerfile: opts.dockerfile,
    changes,
    copyMatcher: opts.contextDir ? await copyMatcherFor(opts.contextDir) : null,
    baseline: opts.baseline ?? null,
  });
  report.analysis = {
    graph: graph.basis,
    criticalPath: criticalPath(report, graph),
    rootCauses,
    suggestions: [],
    changes: { source: changes.source, files: changes.files.length, dockerfileLines: changes.dockerfileLines !== null },
  };
  if (opts.dockerfile && opts.dockerfileSource) {
    report.analysis.suggestions = await suggest(report, {
      file: opts.dockerfileSource.path,
      text: opts.dockerfileSource.text,
      dockerfile: opts.dockerfile,
      contextDir: opts.contextDir ?? null,
      history: opts.history ?? null,
    });
  }
  if (opts.baseline) report.comparison = compareReports(report, opts.baseline, opts.thresholds ?? DEFAULT_THRESHOLDS);
}
