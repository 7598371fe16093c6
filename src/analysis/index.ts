import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DockerfileSource } from '../dockerfile/source.js';
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
  /** The Dockerfile the steps were mapped onto: its steps give the graph, its text the suggestions' edits. */
  dockerfile: DockerfileSource | null;
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

/** The one message of a baseline that is not a report: its path and the first bad field, never its content. */
export function badBaseline(path: string, problem: string): string {
  return `the baseline '${path}' is not a valid report (${problem}): the build is reported without a baseline`;
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
  const dockerfile = opts.dockerfile?.parsed ?? null;
  const graph = buildGraph(report, dockerfile);
  const rootCauses = findRootCauses(report, {
    graph,
    dockerfile,
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
  if (opts.dockerfile) {
    report.analysis.suggestions = await suggest(report, {
      file: opts.dockerfile.path,
      text: opts.dockerfile.text,
      dockerfile: opts.dockerfile.parsed,
      contextDir: opts.contextDir ?? null,
      history: opts.history ?? null,
    });
  }
  if (opts.baseline) report.comparison = compareReports(report, opts.baseline, opts.thresholds ?? DEFAULT_THRESHOLDS);
}
