import { mkdir, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { analyzeLog } from './analyze.js';
import { renderMarkdown } from './render/markdown.js';

export interface Inputs {
  'log-file': string;
  dockerfile: string;
  'report-path': string;
}

export function getInputs(): Inputs {
  return {
    'log-file': core.getInput('log-file'),
    dockerfile: core.getInput('dockerfile'),
    'report-path': core.getInput('report-path'),
  };
}

/**
 * The action's entry (analyze mode: a saved log). Reporting is best effort: an incomplete or
 * failed build is reported and warned about, never turned into a crash.
 */
export async function run(inputs: Inputs = getInputs()): Promise<void> {
  if (!inputs['log-file']) {
    throw new Error("'log-file' input is required: the path of a saved BuildKit progress log (plain or rawjson)");
  }
  try {
    await access(inputs['log-file']);
  } catch {
    throw new Error(`'log-file' input names '${inputs['log-file']}', which does not exist or cannot be read`);
  }
  const { report, notices, parsedVertices } = await core.group('Analysing the build log', () =>
    analyzeLog(createReadStream(inputs['log-file'], { highWaterMark: 1 << 20 }), {
      file: inputs['log-file'],
      dockerfile: inputs.dockerfile || null,
      format: 'json',
    }),
  );
  if (parsedVertices === 0) {
    throw new Error(
      `'log-file' '${inputs['log-file']}' holds no BuildKit progress (empty, or not a plain/rawjson log)`,
    );
  }
  for (const notice of notices) core.warning(notice);
  if (!report.complete) core.warning(`Incomplete report: ${report.incompleteReasons.join('; ')}`);

  const reportPath = inputs['report-path'] || join(process.env.RUNNER_TEMP ?? '.', 'buildkit-cache-report.json');
  await mkdir(join(reportPath, '..'), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput('report-path', reportPath);
  core.setOutput('cache-hit-ratio', report.totals.cachedRatio === null ? '' : report.totals.cachedRatio.toFixed(4));
  core.setOutput('build-seconds', String(report.totals.wallSeconds ?? report.totals.stepSeconds));
  core.setOutput('complete', String(report.complete));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderMarkdown(report)).write();
  core.info(
    `${report.totals.steps} steps: ${report.totals.counts.cached} cached, ${report.totals.counts.ran} ran; report at ${reportPath}`,
  );
}
