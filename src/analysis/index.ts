import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dockerfile } from '../dockerfile/parse.js';
import type { History } from '../model/history.js';
import { SCHEMA_VERSION, type BuildReport, type Thresholds } from '../model/report.js';
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

/** Reads and checks a baseline report (a file of this tool's JSON, same schema). */
export async function readBaseline(path: string): Promise<BuildReport> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the baseline '${path}': ${(err as Error).message}`);
  }
  const r = value as Partial<BuildReport>;
  if (typeof r !== 'object' || r === null || typeof r.schemaVersion !== 'number' || !Array.isArray(r.steps)) {
    throw new Error(`the baseline '${path}' is not a buildkit-cache-analytics report`);
  }
  if (r.schemaVersion > SCHEMA_VERSION) {
    throw new Error(`the baseline '${path}' has schema ${r.schemaVersion}, newer than this tool's ${SCHEMA_VERSION}`);
  }
  return value as BuildReport;
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
