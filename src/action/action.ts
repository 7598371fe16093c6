import { access, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { badBaseline, readBaseline } from '../analysis/index.js';
import { parseThresholds } from '../analysis/thresholds.js';
import { actionChanges, defaultGitBase } from './changes.js';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readBuildRecord, readMetadata } from '../capture/build-record.js';
import { sensitiveValues } from '../capture/inputs.js';
import { copyRedacted, redactProgressText } from '../capture/redact-progress.js';
import { extraArgSecrets, publicArgs } from '../capture/extra-args.js';
import { BuildEcho, inert } from '../capture/job-log.js';
import { getInputs, type Inputs } from './context.js';
import { loadDockerfile, type DockerfileSource } from '../dockerfile/source.js';
import { Redactor, reportIds } from '../model/redact.js';
import type { BuildReport, Thresholds } from '../model/report.js';
import { analyze, type AnalyzeOpts, type BuildSource } from '../pipeline/analyze.js';
import { renderSummary } from '../render/markdown.js';
import { annotationsFor } from '../publish/annotations.js';
import { artifactFooter, commentBody, pendingArtifactFooter, upsertComment } from '../publish/comment.js';
import { httpStatus } from '../publish/retry.js';
import { measureImage } from '../image/measure.js';
import { artifactName, artifactUnavailable, type UploadedArtifact } from '../publish/artifact-name.js';
import {
  planStore,
  restoreBaseline,
  saveBaseline,
  type CacheApi,
  type History,
  type StorePlan,
} from '../publish/baseline-store.js';
import { prepareCharts, writeReportFiles } from '../publish/report-files.js';
import { cacheInputs, parseCacheSpec, type CacheInputs } from '../remote-cache/index.js';
import { evictionNote, usageDiagnosis } from '../remote-cache/diagnose.js';
import { fetchCacheUsage } from '../publish/cache-usage.js';
import { writeJsonFile } from '../util/json-stream.js';
import { readLog } from '../util/read-log.js';
import { workflowRunUrl } from '../publish/run-url.js';
import { setReportOutputs } from './outputs.js';
import { captureBuild } from './run-mode.js';
import { budgetMs, withDeadline } from '../util/deadline.js';
import { verifySuggestions, withVerifications } from '../verify/index.js';

/** Budgets of the network calls (ms): a service that hangs costs at most this much, then is a warning. */
export const BUDGETS = {
  /** Finding and downloading the stored baseline, all retries included. */
  restore: 30_000,
  save: 60_000,
  artifact: 120_000,
  /** One GitHub API request; the comment as a whole gets `comment`. */
  request: 15_000,
  comment: 60_000,
};

async function readable(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** What the first phase settles before any build: thresholds, the baseline, what to redact, a work folder. */
interface Prepared {
  thresholds: Thresholds;
  stored: Stored | null;
  baseline: BuildReport | null;
  redactor: Redactor;
  workDir: string;
}

async function prepare(inputs: Inputs): Promise<Prepared> {
  // Checked before the build, so a typo fails in seconds, not after a long build.
  const thresholds = parseThresholds(inputs['time-threshold'], inputs['size-threshold']);
  const stored = inputs['baseline-file'] ? null : await restoreStored(inputs);
  const baseline = inputs['baseline-file'] ? await baselineFile(inputs['baseline-file']) : (stored?.baseline ?? null);
  const values = [...sensitiveValues(inputs), ...extraArgSecrets(inputs['extra-args'])];
  for (const v of values) core.setSecret(v);
  const redactor = new Redactor(values);
  if (redactor.tooShort.length) {
    core.warning(
      `${redactor.tooShort.length} build-arg/secret value(s) shorter than 3 characters cannot be redacted from the report`,
    );
  }
  const workDir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'bca-'));
  return { thresholds, stored, baseline, redactor, workDir };
}

/** A build to analyse: its source for the pipeline, the Dockerfile, how to measure it, the saved progress. */
interface Acquired {
  source: BuildSource;
  dockerfile: DockerfileSource | null;
  measure: AnalyzeOpts['measure'];
  /** The progress as read, redacted: saved with the report. */
  progressFile: string;
  /** docker's exit code (0 in analyze mode). */
  exitCode: number;
  /** The redacted copy of a log being written while the pipeline reads it. */
  copying?: Promise<void>;
}

/** run mode: the user's build, run once, its progress captured as it runs. */
async function runTheBuild(inputs: Inputs, prepared: Prepared): Promise<Acquired> {
  const file = inputs.file || join(inputs.context, 'Dockerfile');
  if (!(await readable(inputs.context)))
    throw new Error(`'context' input names '${inputs.context}', which does not exist`);
  if (!(await readable(file))) throw new Error(`Dockerfile '${file}' not found (set the 'file' input)`);
  const dockerfile = await loadDockerfile(inputs.dockerfile || file);
  // The build's output goes to the job log with workflow commands stopped: it cannot set outputs or
  // silence the action's own warnings.
  const echo = new BuildEcho((line) => core.info(line));
  const build = await captureBuild({
    inputs,
    redactor: prepared.redactor,
    workDir: prepared.workDir,
    echo: (line) => echo.line(line),
    warn: (m) => {
      echo.resume();
      core.warning(inert(m));
    },
  }).finally(() => echo.resume());
  core.setOutput('progress-file', build.progressFile);
  const measure: AnalyzeOpts['measure'] =
    inputs['measure-sizes'] && dockerfile
      ? (report) =>
          measureImage(report, {
            docker: inputs.docker,
            image: build.exitCode === 0 ? build.image : null,
            dockerfile: dockerfile.parsed,
            target: inputs.target || null,
            buildStage: build.buildStage ?? undefined,
          })
      : null;
  return {
    source: {
      parsed: build.parsed,
      file: build.progressFile,
      run: {
        cli: build.caps.buildx ? 'buildx' : 'docker build',
        args: publicArgs(build.args),
        exitCode: build.exitCode,
        buildSeconds: round(build.buildSeconds),
        overheadSeconds: null,
        progressFile: build.progressFile,
        image: build.image,
      },
    },
    dockerfile,
    measure,
    progressFile: build.progressFile,
    exitCode: build.exitCode,
  };
}

/** analyze mode: a saved log, or a build record read back from BuildKit's history. */
async function readTheBuild(inputs: Inputs, prepared: Prepared): Promise<Acquired> {
  const progressFile = join(prepared.workDir, 'progress.log');
  // The Dockerfile: as given, else the one run mode would build, when it exists.
  const dockerfile = await loadDockerfile(inputs.dockerfile || inputs.file || join(inputs.context, 'Dockerfile'));
  const acquired = { dockerfile, measure: null, progressFile, exitCode: 0 };
  if (inputs['log-file']) {
    if (!(await readable(inputs['log-file']))) {
      throw new Error(`'log-file' input names '${inputs['log-file']}', which does not exist or cannot be read`);
    }
    if (inputs.dockerfile && !dockerfile) {
      throw new Error(`'dockerfile' input names '${inputs.dockerfile}', which cannot be read`);
    }
    const log = readLog(inputs['log-file']);
    const copying = copyRedacted(inputs['log-file'], progressFile, prepared.redactor);
    copying.catch(() => {}); // awaited with the analysis; not an unhandled rejection before then
    return { ...acquired, source: { log, file: inputs['log-file'] }, copying };
  }
  let ref = inputs['build-ref'];
  if (!ref && inputs['metadata-file']) {
    ref = (await readMetadata(inputs['metadata-file'], inputs.target)).ref ?? '';
    if (!ref) throw new Error(`'metadata-file' '${inputs['metadata-file']}' has no buildx.build.ref`);
  }
  const record = await readBuildRecord(inputs.docker, ref);
  if (inputs.dockerfile && !dockerfile) {
    throw new Error(`'dockerfile' input names '${inputs.dockerfile}', which cannot be read`);
  }
  // Saved redacted record by record, each step's output decoded (rawjson logs are base64) and read across
  // records; parsed as it is (the pipeline redacts the report once built).
  await writeFile(progressFile, redactProgressText(record, prepared.redactor));
  return { ...acquired, source: { log: Readable.from([record]), file: `build ${ref}` } };
}

/**
 * The action: inputs -> (run the build | read a log) -> the pipeline -> outputs, files, summary,
 * annotations, comment, baseline; each phase a group of the job log. A failed build is reported,
 * then fails the step (unless `fail-on-build-error: false`).
 */
export async function run(inputs: Inputs = getInputs()): Promise<BuildReport> {
  const started = process.hrtime.bigint();
  const prepared = await core.group('Inputs and baseline', () => prepare(inputs));
  const acquired =
    inputs.mode === 'run'
      ? await core.group('Build', () => runTheBuild(inputs, prepared))
      : await core.group('Reading the build', () => readTheBuild(inputs, prepared));
  // The chart threads load while the analysis waits on docker for the sizes; drawing them reports any failure.
  if (inputs.charts) prepareCharts();
  let report = await core.group('Analysis', () => analyzeAcquired(inputs, prepared, acquired, started));
  if (inputs['verify-suggestions']) report = await verifyStep(inputs, report, prepared.redactor, acquired.exitCode);
  await core.group('Publishing', () => publish(inputs, prepared, acquired, report, started));
  if (acquired.exitCode !== 0 && inputs['fail-on-build-error']) {
    throw new Error(
      `the build failed (docker exited with ${acquired.exitCode}): ${report.errors[0] ?? 'see the log above'}`,
    );
  }
  const regressions = report.comparison?.regressions ?? 0;
  if (regressions && inputs['fail-on-regression']) {
    throw new Error(`${regressions} regression(s) against the baseline: see the job summary`);
  }
  return report;
}

/** Changed files, then the pipeline: report, sizes, analysis, redaction. */
async function analyzeAcquired(
  inputs: Inputs,
  prepared: Prepared,
  acquired: Acquired,
  started: bigint,
): Promise<BuildReport> {
  const dockerfilePath = acquired.dockerfile?.path ?? null;
  const changes = await actionChanges({
    changedFiles: inputs['changed-files'],
    gitBase: inputs['git-base'],
    repoDir: dockerfilePath ? dirname(resolve(dockerfilePath)) : process.cwd(),
    dockerfile: dockerfilePath ? resolve(dockerfilePath) : null,
    warn: (m) => core.warning(m),
  });
  const analysed = analyze(acquired.source, {
    dockerfile: acquired.dockerfile,
    contextDir: resolve(inputs.context),
    changes,
    baseline: prepared.baseline,
    baselineCommit: prepared.stored?.commit ?? null,
    history: prepared.stored?.history ?? null,
    thresholds: prepared.thresholds,
    cacheInputs: cacheInputsOf(inputs),
    measure: acquired.measure,
    redactor: prepared.redactor,
  });
  const [{ report, vertices }] = await Promise.all([analysed, acquired.copying]);
  if (inputs.mode === 'analyze' && vertices === 0)
    throw new Error(`${report.source.file} holds no BuildKit progress (empty, or not a plain/rawjson log)`);
  if (report.run) {
    // So far (detection, capture, sizes, analysis); set again once everything is published.
    report.run.overheadSeconds = round(Number(process.hrtime.bigint() - started) / 1e9 - report.run.buildSeconds);
  }
  await addCacheUsage(inputs, report);
  // Named "`main` @ abc1234" in the outputs: the branch the store restored it from.
  if (report.comparison && prepared.stored?.plan.restore)
    report.comparison.baseline.branch = prepared.stored.plan.restore;
  // And linked to the workflow run that built it, when the store recorded one.
  const baseRun = prepared.stored?.history.builds.at(-1)?.runUrl;
  if (report.comparison && prepared.stored?.baseline && typeof baseRun === 'string')
    report.comparison.baseline.runUrl = baseRun;
  for (const w of report.sizes?.warnings ?? []) core.warning(inert(w));
  for (const u of report.dockerfile?.unmapped ?? [])
    core.warning(inert(`step ${u.id} not found in the Dockerfile: ${u.reason}`));
  if (!report.complete) core.warning(inert(`Incomplete report: ${report.incompleteReasons.join('; ')}`));
  return report;
}

/**
 * The report file and outputs, then the answer (summary, annotations, comment) before the charts are
 * drawn and uploaded, then the baseline; the summary is written again with the artifact's link and the
 * final overhead.
 */
async function publish(
  inputs: Inputs,
  prepared: Prepared,
  acquired: Acquired,
  report: BuildReport,
  started: bigint,
): Promise<void> {
  const reportPath = inputs['report-path'] || join(prepared.workDir, 'buildkit-cache-report.json');
  await mkdir(dirname(reportPath), { recursive: true });
  await writeJsonFile(reportPath, report);
  setReportOutputs(report, reportPath);
  const pending = pendingArtifactFooter(
    inputs.artifact && !artifactUnavailable() ? artifactName(inputs['artifact-name'], inputs['report-id']) : null,
  );
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderSummary(report, pending), true).write();
  core.info(
    `${report.totals.steps} steps: ${report.totals.counts.cached} cached, ${report.totals.counts.ran} ran; report at ${reportPath}`,
  );
  for (const a of annotationsFor(report)) {
    const props = { title: inert(a.title), file: a.file, startLine: a.startLine, endLine: a.endLine };
    if (a.level === 'warning') core.warning(inert(a.message), props);
    else core.notice(inert(a.message), props);
  }
  await publishComment(inputs, report, pending);
  const artifact = await publishFiles(inputs, report, prepared.workDir, acquired.progressFile);
  if (prepared.stored?.plan.saveKey) await saveStored(prepared.stored, report, acquired.exitCode);
  if (report.run) {
    // Everything the action did beyond the build, publishing included: the report file and the summary
    // footer get the final figure (the artifact's copy was written before its own upload).
    report.run.overheadSeconds = round(Number(process.hrtime.bigint() - started) / 1e9 - report.run.buildSeconds);
    await writeJsonFile(reportPath, report);
    core.info(`The action took ${report.run.overheadSeconds.toFixed(2)} s beyond the build`);
  }
  if (process.env.GITHUB_STEP_SUMMARY && (report.run || artifact)) {
    await core.summary.addRaw(renderSummary(report, artifactFooter(artifact) || pending), true).write();
  }
}

/** A `baseline-file` that is not a valid report is no baseline, with one warning. */
async function baselineFile(path: string): Promise<BuildReport | null> {
  const { report, problem } = await readBaseline(path);
  if (problem) core.warning(inert(badBaseline(path, problem)));
  return report;
}

/**
 * `verify-suggestions`: the top suggestions tried on real rebuilds against the base commit (after the
 * overhead is measured: these are builds of their own). Skipped with a warning where it cannot run.
 * Its notes are redacted by the verification; the whole report is redacted again all the same.
 */
async function verifyStep(
  inputs: Inputs,
  report: BuildReport,
  redactor: Redactor,
  exitCode: number,
): Promise<BuildReport> {
  if (!report.analysis?.suggestions.some((s) => s.evidence === 'data')) {
    core.info('No suggestion backed by this build to verify');
    return report;
  }
  const gitBase = inputs['git-base'] || (await defaultGitBase());
  const why =
    exitCode !== 0 || report.failed
      ? 'the build failed'
      : !report.dockerfile
        ? 'the Dockerfile is not known'
        : !gitBase
          ? "no base commit to build (set 'git-base')"
          : null;
  if (why || !gitBase) {
    core.warning(`Suggestions not verified: ${why}`);
    return report;
  }
  if (inputs.mode === 'analyze')
    core.info(
      'Verifying with the build inputs given to this step (context, file, build-args, ...): they must match the build analysed',
    );
  return core.group('Verifying suggestions', async () => {
    const response = await verifySuggestions({
      report,
      build: inputs,
      gitBase,
      count: inputs['verify-count'],
      timeoutSeconds: inputs['verify-timeout'],
      redactor,
      log: (line) => core.info(inert(line)),
    });
    for (const note of response.notes) core.info(inert(`verify: ${note}`));
    const out = withVerifications(report, response);
    for (const s of out.analysis?.suggestions ?? []) {
      if (!s.verification) continue;
      core.info(inert(`${s.rule}: ${s.verification.status}${s.verification.note ? ` (${s.verification.note})` : ''}`));
    }
    core.info(`Verification took ${response.seconds} s (${response.builds} builds)`);
    return redactor.deep(out, reportIds(out));
  });
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The cache-from/cache-to inputs as the report may show them (credentials dropped), with report-id and inline. */
function cacheInputsOf(inputs: Inputs): CacheInputs {
  return cacheInputs(
    inputs['cache-from'],
    inputs['cache-to'],
    inputs['report-id'] || null,
    inputs['build-args'],
    process.env.GITHUB_REF ?? null,
  );
}

/** With a gha cache in use and a token: how full the repository's Actions cache is (a warning past 80 %). */
async function addCacheUsage(inputs: Inputs, report: BuildReport): Promise<void> {
  const rc = report.remoteCache;
  const usesGha =
    rc?.imports.some((i) => i.backend === 'gha') ||
    rc?.exports.some((e) => e.backend === 'gha') ||
    [...inputs['cache-from'], ...inputs['cache-to']].some((v) => parseCacheSpec(v).type === 'gha');
  if (!rc || !usesGha || !inputs['github-token'] || !process.env.GITHUB_REPOSITORY) return;
  const { owner, repo } = github.context.repo;
  const answer = await fetchCacheUsage({ octokit: github.getOctokit(inputs['github-token']), owner, repo });
  if (!answer.usage) {
    core.info(`Actions cache usage not known: ${answer.reason}`);
    return;
  }
  rc.usage = answer.usage;
  evictionNote(rc.diagnoses, answer.usage);
  const warning = usageDiagnosis(answer.usage);
  if (warning) {
    rc.diagnoses.push(warning);
    core.warning(warning.message);
  }
}

/** The sticky PR comment. GitHub saying no (a fork's read-only token, 404, 422, 5xx) is a warning, never a failure. */
async function publishComment(inputs: Inputs, report: BuildReport, footer: string): Promise<void> {
  const pr = github.context.payload.pull_request?.number;
  if (!pr || inputs.comment === 'never') return;
  if (!inputs['github-token']) {
    core.warning("No 'github-token': the pull request comment is skipped (the job summary has the report).");
    return;
  }
  try {
    const { owner, repo } = github.context.repo;
    const octokit = github.getOctokit(inputs['github-token']);
    // Each request has a deadline; so has the comment as a whole (retries included).
    octokit.hook.wrap('request', (request, options) =>
      request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(budgetMs(BUDGETS.request)) } }),
    );
    const result = await withDeadline(
      upsertComment({
        octokit,
        owner,
        repo,
        issueNumber: pr,
        reportId: inputs['report-id'],
        body: commentBody(report, footer),
        mode: inputs.comment,
        regressions: report.comparison?.regressions ?? 0,
        retryDelayMs: Number(process.env.BCA_RETRY_DELAY_MS ?? 1000),
      }),
      budgetMs(BUDGETS.comment),
      'the pull request comment',
    );
    core.info(`Pull request comment ${result.action}${result.reason ? `: ${result.reason}` : ''}`);
    if (result.id !== null) core.setOutput('comment-id', String(result.id));
  } catch (err) {
    const status = httpStatus(err);
    core.warning(
      `Could not comment on the pull request${status ? ` (GitHub answered ${status})` : ''}: ${(err as Error).message}. The job summary and the report are written.`,
    );
  }
}

interface Stored {
  cache: CacheApi;
  plan: StorePlan;
  reportId: string;
  baseline: BuildReport | null;
  history: History;
  /** The commit the restored baseline was built from, and its cache key. */
  commit: string | null;
  key: string | null;
}

/** The store's plan for this event, and the baseline it restored. The cache service failing is a warning. */
async function restoreStored(inputs: Inputs): Promise<Stored | null> {
  if (!inputs['baseline-store']) return null;
  // Outside a GitHub job neither variable is set, so the cache library (and its Azure SDK) need not load at all.
  const unavailable = !process.env.ACTIONS_RESULTS_URL && !process.env.ACTIONS_CACHE_URL;
  // Loaded only when used: @actions/cache and the Azure SDK behind it are most of the bundle.
  const cache = unavailable ? null : await import('@actions/cache');
  if (!cache?.isFeatureAvailable()) {
    core.info('No baseline store: the cache service is not available to this job (ACTIONS_RESULTS_URL unset)');
    return null;
  }
  const ctx = github.context;
  const plan = planStore({
    eventName: ctx.eventName,
    ref: ctx.ref,
    sha: ctx.sha,
    baseRef: (ctx.payload.pull_request?.base as { ref?: string } | undefined)?.ref ?? null,
    defaultBranch: (ctx.payload.repository?.default_branch as string | undefined) ?? null,
    reportId: inputs['report-id'],
    branches: inputs['baseline-branches'],
    cwd: process.cwd(),
  });
  const stored: Stored = {
    cache,
    plan,
    reportId: inputs['report-id'],
    baseline: null,
    history: EMPTY,
    commit: null,
    key: null,
  };
  if (!plan.restore) {
    core.info(`No baseline: ${plan.reason}`);
    return stored;
  }
  try {
    const restored = await withDeadline(
      restoreBaseline(cache, plan, inputs['report-id']),
      budgetMs(BUDGETS.restore),
      'restoring the baseline',
    );
    if (!restored) {
      core.info(`No baseline stored yet for branch '${plan.restore}'`);
      return stored;
    }
    if (!restored.baseline)
      core.warning(
        inert(
          `The stored baseline '${restored.key}' is not a valid report (${restored.problem ?? 'no report in it'}): the build is reported without a baseline`,
        ),
      );
    const last = restored.history.builds.at(-1);
    core.info(`Baseline restored from '${restored.key}' (${restored.history.builds.length} build(s) of history)`);
    return {
      ...stored,
      baseline: restored.baseline,
      history: restored.history,
      commit: last?.commit ?? null,
      key: restored.key,
    };
  } catch (err) {
    core.warning(`Could not restore the baseline: ${(err as Error).message}. The build is reported without one.`);
    return stored;
  }
}

const EMPTY: History = { schemaVersion: 1, builds: [] };

/** Only a complete, successful build becomes the baseline others compare against. */
async function saveStored(stored: Stored, report: BuildReport, exitCode: number): Promise<void> {
  if (exitCode !== 0 || report.failed || !report.complete) {
    core.info('The baseline is not saved: this build failed or its report is incomplete');
    return;
  }
  if (stored.key === stored.plan.saveKey) {
    // A re-run of a commit already saved: cache entries cannot be overwritten, and need not be.
    core.info(`The baseline of this commit is already stored as '${stored.key}'`);
    return;
  }
  try {
    const { key, saved } = await withDeadline(
      saveBaseline(stored.cache, stored.plan, report, stored.history, github.context.sha, workflowRunUrl()),
      budgetMs(BUDGETS.save),
      'saving the baseline',
    );
    if (saved) {
      core.info(`Baseline saved as '${key}'`);
      core.setOutput('baseline-key', key);
    } else core.warning(`The baseline could not be saved as '${key}' (see the cache messages above)`);
  } catch (err) {
    core.warning(`Could not save the baseline: ${(err as Error).message}`);
  }
}

/** The report's files (JSON, markdown, HTML, charts, progress log) and their upload as a workflow artifact. */
async function publishFiles(
  inputs: Inputs,
  report: BuildReport,
  workDir: string,
  progressFile: string | null,
): Promise<UploadedArtifact | null> {
  const files = await writeReportFiles(report, join(workDir, 'report'), {
    progressFile,
    charts: inputs.charts,
  });
  for (const w of files.warnings) core.warning(inert(w));
  core.setOutput('html-report', files.html);
  core.setOutput('report-dir', files.dir);
  if (!inputs.artifact) return null;
  const unavailable = artifactUnavailable();
  if (unavailable) {
    core.info(`No artifact uploaded: ${unavailable}; the files are in ${files.dir}`);
    return null;
  }
  const name = artifactName(inputs['artifact-name'], inputs['report-id']);
  try {
    const { uploadArtifact } = await import('../publish/artifact.js');
    const uploaded = await withDeadline(
      uploadArtifact(name, files.files, files.dir, inputs['retention-days'] ?? undefined, process.env, (msg) =>
        core.info(msg),
      ),
      budgetMs(BUDGETS.artifact),
      'the upload',
    );
    core.setOutput('artifact-id', String(uploaded.id));
    if (uploaded.url) core.setOutput('artifact-url', uploaded.url);
    return uploaded;
  } catch (err) {
    core.warning(`Could not upload the artifact '${name}': ${(err as Error).message}. The files are in ${files.dir}`);
    return null;
  }
}
