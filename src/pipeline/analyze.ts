// The one pipeline every entry calls (the CLI, the action's two modes, the tests):
// source -> parse -> report -> map onto the Dockerfile -> measure -> analyse -> redact.
// The entries only turn their inputs into these options and the report into their outputs.
import { analyzeBuild } from '../analysis/index.js';
import type { ChangeSet } from '../analysis/changes.js';
import { loadShell } from '../dockerfile/shell.js';
import type { DockerfileSource } from '../dockerfile/source.js';
import type { History } from '../model/history.js';
import { reportIds, type Redactor } from '../model/redact.js';
import type { BuildReport, RunInfo, SizeReport, Thresholds } from '../model/report.js';
import { parseStream } from '../progress/index.js';
import type { ParsedBuild, ProgressFormat } from '../progress/types.js';
import type { CacheInputs } from '../remote-cache/index.js';
import { buildReport } from './build-report.js';

/** What a report is made from. */
export type BuildSource =
  /** A log: a saved file, standard input, or a build record read back from BuildKit's history. */
  | { log: AsyncIterable<string | Uint8Array>; file: string | null; format?: ProgressFormat }
  /** A build this process ran and parsed as it ran (the action's run mode), with how it ran. */
  | { parsed: ParsedBuild; file: string | null; run?: RunInfo };

export interface AnalyzeOpts {
  /** The Dockerfile, read once: steps are tied to its lines, the graph and the suggestions come from it. */
  dockerfile?: DockerfileSource | null;
  /** Absolute path of the build context: COPY sources and .dockerignore are read against it. */
  contextDir?: string | null;
  changes?: ChangeSet;
  baseline?: BuildReport | null;
  /** The commit the baseline was built from, when the baseline store knows it. */
  baselineCommit?: string | null;
  /** Earlier builds of the branch (baseline store): how often each step re-ran ranks suggestions. */
  history?: History | null;
  thresholds?: Thresholds;
  /** Image sizes, measured once the steps are mapped (run mode, which has the image). */
  measure?: ((report: BuildReport) => Promise<SizeReport>) | null;
  /** Build-arg values and secrets: removed from every string of the report. */
  redactor?: Redactor | null;
  /** Run mode's `cache-from` / `cache-to` inputs: backends, refs, modes and scopes BuildKit does not print. */
  cacheInputs?: CacheInputs | null;
  /** Clock for `generatedAt` (tests pin it). */
  now?: Date;
}

export interface AnalyzeResponse {
  report: BuildReport;
  /** Vertices the parser read: 0 means the input held no BuildKit progress. */
  vertices: number;
}

/** The whole analysis of one build. Never mutates what it is given; the report is redacted when a redactor is. */
export async function analyze(source: BuildSource, opts: AnalyzeOpts = {}): Promise<AnalyzeResponse> {
  const dockerfile = opts.dockerfile ?? null;
  // The shell parser (WebAssembly, compiled off the main thread) loads while the log is read, and while docker
  // measures the image: the suggestions need it next. A failure shows where it is used.
  if (dockerfile) loadShell().catch(() => {});
  const parsed = 'parsed' in source ? source.parsed : await parseStream(source.log, source.format);
  const report = buildReport(parsed, { file: source.file, dockerfile, now: opts.now, cacheInputs: opts.cacheInputs });
  if ('run' in source && source.run) report.run = { ...source.run };
  if (opts.measure) report.sizes = await opts.measure(report);
  await analyzeBuild(report, {
    dockerfile,
    contextDir: opts.contextDir ?? null,
    changes: opts.changes,
    baseline: opts.baseline ?? null,
    history: opts.history ?? null,
    thresholds: opts.thresholds,
  });
  if (report.comparison && opts.baselineCommit) report.comparison.baseline.commit = opts.baselineCommit;
  // Step ids are kept as they are: they name steps, and a value that happens to match one must not break them.
  const redacted = opts.redactor ? opts.redactor.deep(report, reportIds(report)) : report;
  return { report: redacted, vertices: parsed.vertices.length };
}
