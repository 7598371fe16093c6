import { createReadStream } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { analyzeBuild, readBaseline } from './analysis/index.js';
import { parseThresholds } from './analysis/thresholds.js';
import { actionChanges, defaultGitBase } from './changes-for-action.js';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readBuildRecord, readMetadata } from './capture/build-record.js';
import { detectCaps } from './capture/detect.js';
import { sensitiveValues } from './capture/inputs.js';
import { copyRedacted, redactProgressText } from './capture/redact-progress.js';
import { extraArgSecrets, publicArgs } from './capture/extra-args.js';
import { BuildEcho, inert } from './capture/job-log.js';
import { getInputs, type Inputs } from './context.js';
import { parseDockerfile, type Dockerfile } from './dockerfile/parse.js';
import { buildReport } from './model/build-report.js';
import { Redactor, reportIds } from './model/redact.js';
import type { BuildReport } from './model/report.js';
import { parseStream } from './progress/index.js';
import type { ParsedBuild } from './progress/types.js';
import { renderFitted, renderSummary } from './render/markdown.js';
import { annotationsFor } from './publish/annotations.js';
import { upsertComment } from './publish/comment.js';
import { statusOf } from './publish/retry.js';
import { measureImage } from './image/measure.js';
import { codeSpan } from './render/inline.js';
import { artifactName, artifactUnavailable, type UploadedArtifact } from './publish/artifact-name.js';
import {
  planStore,
  restoreBaseline,
  saveBaseline,
  type CacheApi,
  type History,
  type StorePlan,
} from './publish/baseline-store.js';
import { writeReportFiles } from './publish/report-files.js';
import { cacheInputs, parseCacheSpec, type CacheInputs } from './remote-cache/index.js';
import { evictionNote, usageDiagnosis } from './remote-cache/diagnose.js';
import { fetchCacheUsage } from './publish/cache-usage.js';
import { captureBuild } from './run-mode.js';
import { budgetMs, withDeadline } from './util/deadline.js';
import { verifySuggestions, withVerifications } from './verify/index.js';
import { badBaseline } from './analyze.js';

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

async function loadDockerfile(path: string): Promise<{ path: string; parsed: Dockerfile; text: string } | null> {
  if (!(await readable(path))) return null;
  const text = await readFile(path, 'utf8');
  return { path, parsed: parseDockerfile(text), text };
}

/** analyze mode: a saved log, or a build record read back from BuildKit's history. */
async function analyzeMode(
  inputs: Inputs,
  redactor: Redactor,
  progressFile: string,
): Promise<{ parsed: ParsedBuild; file: string }> {
  if (inputs['log-file']) {
    if (!(await readable(inputs['log-file']))) {
      throw new Error(`'log-file' input names '${inputs['log-file']}', which does not exist or cannot be read`);
    }
    const [parsed] = await Promise.all([
      parseStream(createReadStream(inputs['log-file'], { highWaterMark: 1 << 20 })),
      copyRedacted(inputs['log-file'], progressFile, redactor),
    ]);
    return { parsed, file: inputs['log-file'] };
  }
  let ref = inputs['build-ref'];
  if (!ref && inputs['metadata-file']) {
    ref = (await readMetadata(inputs['metadata-file'], inputs.target)).ref ?? '';
    if (!ref) throw new Error(`'metadata-file' '${inputs['metadata-file']}' has no buildx.build.ref`);
  }
  const record = await readBuildRecord(inputs.docker, await detectCaps(inputs.docker), ref);
  // Saved redacted record by record, each step's output decoded (rawjson logs are base64) and read across
  // records; parsed as it is (the report is redacted once built).
  await writeFile(progressFile, redactProgressText(record, redactor));
  return { parsed: await parseStream(Readable.from([record])), file: `build ${ref}` };
}

/**
 * The action: inputs -> (run the build | read a log) -> report -> outputs, summary. A failed
 * build is reported, then fails the step (unless `fail-on-build-error: false`).
 */
export async function run(inputs: Inputs = getInputs()): Promise<BuildReport> {
  const started = process.hrtime.bigint();
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

  let report: BuildReport;
  let exitCode = 0;
  let dockerfileSource: { path: string; parsed: Dockerfile; text: string } | null = null;
  /** The progress as read, redacted: saved with the report. */
  let progressFile: string | null = null;
  if (inputs.mode === 'run') {
    const file = inputs.file || join(inputs.context, 'Dockerfile');
    if (!(await readable(inputs.context)))
      throw new Error(`'context' input names '${inputs.context}', which does not exist`);
    if (!(await readable(file))) throw new Error(`Dockerfile '${file}' not found (set the 'file' input)`);
    const dockerfile = await loadDockerfile(inputs.dockerfile || file);
    dockerfileSource = dockerfile;
    // The build's output goes to the job log with workflow commands stopped: it cannot set outputs or
    // silence the action's own warnings.
    const echo = new BuildEcho((line) => core.info(line));
    const build = await captureBuild({
      inputs,
      redactor,
      workDir,
      echo: (line) => echo.line(line),
      warn: (m) => {
        echo.resume();
        core.warning(inert(m));
      },
    }).finally(() => echo.resume());
    exitCode = build.exitCode;
    progressFile = build.progressFile;
    report = buildReport(build.parsed, { file: build.progressFile, dockerfile, cacheInputs: cacheInputsOf(inputs) });
    report.run = {
      cli: build.caps.buildx ? 'buildx' : 'docker build',
      args: publicArgs(build.args),
      exitCode: build.exitCode,
      buildSeconds: round(build.buildSeconds),
      overheadSeconds: null,
      progressFile: build.progressFile,
      image: build.image,
    };
    core.setOutput('progress-file', build.progressFile);
    if (inputs['measure-sizes'] && dockerfile) {
      report.sizes = await core.group('Measuring image sizes', () =>
        measureImage(report, {
          docker: inputs.docker,
          image: build.exitCode === 0 ? build.image : null,
          dockerfile: dockerfile.parsed,
          target: inputs.target || null,
          buildStage: build.buildStage ?? undefined,
        }),
      );
      for (const w of report.sizes.warnings) core.warning(inert(redactor.text(w)));
    }
  } else {
    progressFile = join(workDir, 'progress.log');
    const { parsed, file } = await analyzeMode(inputs, redactor, progressFile);
    if (parsed.vertices.length === 0)
      throw new Error(`${file} holds no BuildKit progress (empty, or not a plain/rawjson log)`);
    // The Dockerfile: as given, else the one run mode would build, when it exists.
    const dockerfile = await loadDockerfile(inputs.dockerfile || inputs.file || join(inputs.context, 'Dockerfile'));
    if (inputs.dockerfile && !dockerfile) {
      throw new Error(`'dockerfile' input names '${inputs.dockerfile}', which cannot be read`);
    }
    dockerfileSource = dockerfile;
    report = buildReport(parsed, { file, dockerfile, cacheInputs: cacheInputsOf(inputs) });
  }
  const dockerfilePath = report.dockerfile?.path ?? null;
  const changes = await actionChanges({
    changedFiles: inputs['changed-files'],
    gitBase: inputs['git-base'],
    repoDir: dockerfilePath ? dirname(resolve(dockerfilePath)) : process.cwd(),
    dockerfile: dockerfilePath ? resolve(dockerfilePath) : null,
    warn: (m) => core.warning(m),
  });
  await analyzeBuild(report, {
    dockerfile: dockerfileSource?.parsed ?? null,
    dockerfileSource,
    contextDir: resolve(inputs.context),
    changes,
    baseline,
    history: stored?.history ?? null,
    thresholds,
  });
  if (report.run) {
    // So far (detection, capture, sizes, analysis); set again once everything is published.
    report.run.overheadSeconds = round(Number(process.hrtime.bigint() - started) / 1e9 - report.run.buildSeconds);
  }
  if (report.comparison && stored?.commit) report.comparison.baseline.commit = stored.commit;
  await addCacheUsage(inputs, report);
  // Named "`main` @ abc1234" in the outputs: the branch the store restored it from.
  if (report.comparison && stored?.plan.restore) report.comparison.baseline.branch = stored.plan.restore;
  if (inputs['verify-suggestions']) report = await verifyStep(inputs, report, redactor, exitCode);
  report = redactor.deep(report, reportIds(report));
  for (const u of report.dockerfile?.unmapped ?? [])
    core.warning(inert(`step ${u.id} not found in the Dockerfile: ${u.reason}`));
  if (!report.complete) core.warning(inert(`Incomplete report: ${report.incompleteReasons.join('; ')}`));

  const reportPath = inputs['report-path'] || join(workDir, 'buildkit-cache-report.json');
  await mkdir(dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput('report-path', reportPath);
  core.setOutput('cache-hit-ratio', report.totals.cachedRatio === null ? '' : report.totals.cachedRatio.toFixed(4));
  core.setOutput(
    'build-seconds',
    String(report.run?.buildSeconds ?? report.totals.wallSeconds ?? report.totals.stepSeconds),
  );
  core.setOutput('image-size', report.sizes?.image ? String(report.sizes.image.sizeBytes) : '');
  core.setOutput('complete', String(report.complete));
  core.setOutput('regressions', String(report.comparison?.regressions ?? 0));
  core.setOutput('baseline-found', String(Boolean(report.comparison)));
  core.setOutput('report', reportOutput(report));
  core.setOutput('cache-import-seconds', String(report.remoteCache?.importSeconds ?? 0));
  core.setOutput('cache-export-seconds', String(report.remoteCache?.exportSeconds ?? 0));
  core.setOutput('cache-imported-steps', String(report.remoteCache?.served.steps.length ?? 0));
  // The answer goes out first: the summary and the comment before the charts are drawn and uploaded.
  const pending = pendingArtifactLine(inputs);
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
  const artifact = await publishFiles(inputs, report, workDir, progressFile);
  if (stored?.plan.saveKey) await saveStored(stored, report, exitCode);
  if (report.run) {
    // Everything the action did beyond the build, publishing included: the report file and the summary
    // footer get the final figure (the artifact's copy was written before its own upload).
    report.run.overheadSeconds = round(Number(process.hrtime.bigint() - started) / 1e9 - report.run.buildSeconds);
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    core.info(`The action took ${report.run.overheadSeconds.toFixed(2)} s beyond the build`);
  }
  if (process.env.GITHUB_STEP_SUMMARY && (report.run || artifact)) {
    await core.summary.addRaw(renderSummary(report, artifactLine(artifact) || pending), true).write();
  }
  if (exitCode !== 0 && inputs['fail-on-build-error']) {
    throw new Error(`the build failed (docker exited with ${exitCode}): ${report.errors[0] ?? 'see the log above'}`);
  }
  const regressions = report.comparison?.regressions ?? 0;
  if (regressions && inputs['fail-on-regression']) {
    throw new Error(`${regressions} regression(s) against the baseline: see the job summary`);
  }
  return report;
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
    return out;
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

/** GitHub's limit is 65,536 characters; the marker and a margin stay below it. */
const COMMENT_LIMIT = 60_000;

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
        body: renderFitted(report, COMMENT_LIMIT - footer.length) + footer,
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
    const status = statusOf(err);
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
      saveBaseline(stored.cache, stored.plan, report, stored.history, github.context.sha),
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
    const { uploadArtifact } = await import('./publish/artifact.js');
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

function artifactLine(artifact: UploadedArtifact | null): string {
  if (!artifact) return '';
  const label = codeSpan(artifact.name);
  const where = artifact.url ? `[${label}](${artifact.url})` : label;
  return `\nCharts, the HTML report and the JSON report: artifact ${where}.\n`;
}

/**
 * Where the artifact will be, for what is posted before it is uploaded (the comment): its name and the
 * workflow run's page, which lists it. Empty when no artifact will be uploaded.
 */
function pendingArtifactLine(inputs: Inputs): string {
  if (!inputs.artifact || artifactUnavailable()) return '';
  const label = codeSpan(artifactName(inputs['artifact-name'], inputs['report-id']));
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  const url = repo && run ? `${server}/${repo}/actions/runs/${run}` : '';
  const where = /^https?:\/\/[^\s()<>]+$/.test(url) ? ` on [the workflow run](${url})` : '';
  return `\nCharts, the HTML report and the JSON report: artifact ${label}${where}.\n`;
}

/** GitHub caps a job's outputs at 1 MB in all: past half of that, the steps are left out (the file has them). */
const REPORT_OUTPUT_LIMIT = 512 * 1024;

/** The JSON report as an output, for later steps and jobs (`fromJSON(steps.x.outputs.report)`). */
export function reportOutput(report: BuildReport): string {
  const whole = JSON.stringify(report);
  if (whole.length <= REPORT_OUTPUT_LIMIT) return whole;
  const { steps, ...rest } = report;
  return JSON.stringify({ ...rest, steps: [], stepsOmitted: steps.length });
}
