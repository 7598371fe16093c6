import * as core from '@actions/core';
import type { BuildReport } from '../model/report.js';

/** Every output the report gives, set in one place. */
export function setReportOutputs(report: BuildReport, reportPath: string): void {
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
}

/** GitHub caps a job's outputs at 1 MB in all: past half of that, the steps are left out (the file has them). */
const REPORT_OUTPUT_LIMIT = 512 * 1024;

/** The JSON report as an output, for later steps and jobs (`fromJSON(steps.x.outputs.report)`). */
export function reportOutput(report: BuildReport): string {
  // Past V8's longest string (a million steps) stringify throws: such a report is far over the limit anyway.
  const whole = report.steps.length < 100_000 ? JSON.stringify(report) : null;
  if (whole !== null && whole.length <= REPORT_OUTPUT_LIMIT) return whole;
  const { steps, ...rest } = report;
  return JSON.stringify({ ...rest, steps: [], stepsOmitted: steps.length });
}
