import { createReadStream } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { analyzeBuild, readBaseline } from './analysis/index.js';
import { parseThresholds } from './analysis/thresholds.js';
import { actionChanges } from './changes-for-action.js';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readBuildRecord, readMetadata } from './capture/build-record.js';
import { detectCaps } from './capture/detect.js';
import { sensitiveValues } from './capture/inputs.js';
import { getInputs, type Inputs } from './context.js';
import { parseDockerfile, type Dockerfile } from './dockerfile/parse.js';
import { buildReport } from './model/build-report.js';
import { Redactor } from './model/redact.js';
import type { BuildReport } from './model/report.js';
import { parseStream } from './progress/index.js';
import type { ParsedBuild } from './progress/types.js';
import { renderFitted, renderMarkdown } from './render/markdown.js';
import { annotationsFor } from './publish/annotations.js';
import { upsertComment } from './publish/comment.js';
import { statusOf } from './publish/retry.js';
import { measureImage } from './image/measure.js';
import { captureBuild } from './run-mode.js';

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
async function analyzeMode(inputs: Inputs, redactor: Redactor): Promise<{ parsed: ParsedBuild; file: string }> {
  if (inputs['log-file']) {
    if (!(await readable(inputs['log-file']))) {
      throw new Error(`'log-file' input names '${inputs['log-file']}', which does not exist or cannot be read`);
    }
    return {
      parsed: await parseStream(createReadStream(inputs['log-file'], { highWaterMark: 1 << 20 })),
      file: inputs['log-file'],
    };
  }
  let ref = inputs['build-ref'];
  if (!ref && inputs['metadata-file']) {
    ref = (await readMetadata(inputs['metadata-file'])).ref ?? '';
    if (!ref) throw new Error(`'metadata-file' '${inputs['metadata-file']}' has no buildx.build.ref`);
  }
  const text = await readBuildRecord(inputs.docker, await detectCaps(inputs.docker), ref);
  return { parsed: await parseStream(Readable.from([redactor.text(text)])), file: `build ${ref}` };
}

/**
 * The action: inputs -> (run the build | read a log) -> report -> outputs, summary. A failed
 * build is reported, then fails the step (unless `fail-on-build-error: false`).
 */
export async function run(inputs: Inputs = getInputs()): Promise<BuildReport> {
  const started = process.hrtime.bigint();
  // Checked before the build, so a typo fails in seconds, not after a long build.
  const thresholds = parseThresholds(inputs['time-threshold'], inputs['size-threshold']);
  const baseline = inputs['baseline-file'] ? await readBaseline(inputs['baseline-file']) : null;
  const values = sensitiveValues(inputs);
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
  if (inputs.mode === 'run') {
    const file = inputs.file || join(inputs.context, 'Dockerfile');
    if (!(await readable(inputs.context)))
      throw new Error(`'context' input names '${inputs.context}', which does not exist`);
    if (!(await readable(file))) throw new Error(`Dockerfile '${file}' not found (set the 'file' input)`);
    const dockerfile = await loadDockerfile(inputs.dockerfile || file);
    dockerfileSource = dockerfile;
    const build = await captureBuild({
      inputs,
      redactor,
      workDir,
      echo: (line) => core.info(line),
      warn: (m) => core.warning(m),
    });
    exitCode = build.exitCode;
    report = buildReport(build.parsed, { file: build.progressFile, dockerfile });
    report.run = {
      cli: build.caps.buildx ? 'buildx' : 'docker build',
      args: build.args,
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
      for (const w of report.sizes.warnings) core.warning(w);
    }
  } else {
    const { parsed, file } = await analyzeMode(inputs, redactor);
    if (parsed.vertices.length === 0)
      throw new Error(`${file} holds no BuildKit progress (empty, or not a plain/rawjson log)`);
    // The Dockerfile: as given, else the one run mode would build, when it exists.
    const dockerfile = await loadDockerfile(inputs.dockerfile || inputs.file || join(inputs.context, 'Dockerfile'));
    if (inputs.dockerfile && !dockerfile) {
      throw new Error(`'dockerfile' input names '${inputs.dockerfile}', which cannot be read`);
    }
    dockerfileSource = dockerfile;
    report = buildReport(parsed, { file, dockerfile });
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
    thresholds,
  });
  if (report.run) {
    // Everything the action did besides the build: detection, capture, sizes, analysis.
    report.run.overheadSeconds = round(Number(process.hrtime.bigint() - started) / 1e9 - report.run.buildSeconds);
  }
  report = redactor.deep(report);
  for (const u of report.dockerfile?.unmapped ?? [])
    core.warning(`step ${u.id} not found in the Dockerfile: ${u.reason}`);
  if (!report.complete) core.warning(`Incomplete report: ${report.incompleteReasons.join('; ')}`);

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
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderMarkdown(report)).write();
  core.info(
    `${report.totals.steps} steps: ${report.totals.counts.cached} cached, ${report.totals.counts.ran} ran; report at ${reportPath}`,
  );
  for (const a of annotationsFor(report)) {
    const props = { title: a.title, file: a.file, startLine: a.startLine, endLine: a.endLine };
    if (a.level === 'warning') core.warning(a.message, props);
    else core.notice(a.message, props);
  }
  await publishComment(inputs, report);
  if (exitCode !== 0 && inputs['fail-on-build-error']) {
    throw new Error(`the build failed (docker exited with ${exitCode}): ${report.errors[0] ?? 'see the log above'}`);
  }
  const regressions = report.comparison?.regressions ?? 0;
  if (regressions && inputs['fail-on-regression']) {
    throw new Error(`${regressions} regression(s) against the baseline: see the job summary`);
  }
  return report;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** GitHub's limit is 65,536 characters; the marker and a margin stay below it. */
const COMMENT_LIMIT = 60_000;

/** The sticky PR comment. GitHub saying no (a fork's read-only token, 404, 422, 5xx) is a warning, never a failure. */
async function publishComment(inputs: Inputs, report: BuildReport): Promise<void> {
  const pr = github.context.payload.pull_request?.number;
  if (!pr || inputs.comment === 'never') return;
  if (!inputs['github-token']) {
    core.warning("No 'github-token': the pull request comment is skipped (the job summary has the report).");
    return;
  }
  try {
    const { owner, repo } = github.context.repo;
    const result = await upsertComment({
      octokit: github.getOctokit(inputs['github-token']),
      owner,
      repo,
      issueNumber: pr,
      reportId: inputs['report-id'],
      body: renderFitted(report, COMMENT_LIMIT),
      mode: inputs.comment,
      regressions: report.comparison?.regressions ?? 0,
      retryDelayMs: Number(process.env.BCA_RETRY_DELAY_MS ?? 1000),
    });
    core.info(`Pull request comment ${result.action}${result.reason ? `: ${result.reason}` : ''}`);
    if (result.id !== null) core.setOutput('comment-id', String(result.id));
  } catch (err) {
    const status = statusOf(err);
    core.warning(
      `Could not comment on the pull request${status ? ` (GitHub answered ${status})` : ''}: ${(err as Error).message}. The job summary and the report are written.`,
    );
  }
}
