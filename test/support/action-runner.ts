// Runs the bundled action as GitHub runs it: `node dist/action.js`, inputs in INPUT_* variables,
// outputs and the job summary in the runner's files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildReport } from '../../src/model/report.js';
import { rootDir } from './fixtures.js';

export interface ActionRun {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** RUNNER_TEMP of the run. */
  dir: string;
}

export function runAction(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bca-action-'));
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const fullEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    ...env,
  };
  for (const [k, v] of Object.entries(inputs)) fullEnv[`INPUT_${k.toUpperCase()}`] = v;
  return new Promise((resolve) => {
    // A runner starts JavaScript actions in the workspace.
    const child = spawn(process.execPath, [join(rootDir, 'dist', 'action.js')], {
      env: fullEnv,
      cwd: fullEnv.GITHUB_WORKSPACE ?? rootDir,
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.on('close', (status) => {
      const outputs: Record<string, string> = {};
      // GITHUB_OUTPUT holds `name<<delimiter` blocks.
      for (const m of readFileSync(files.output, 'utf8').matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm))
        outputs[m[1]] = m[3];
      resolve({ status, stdout, outputs, summary: readFileSync(files.summary, 'utf8'), dir });
    });
  });
}

/** The `::error::` lines of a run (GitHub's workflow commands). */
export function errorLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
}

/** The JSON report a run wrote (its `report-path` output). */
export function reportOf(run: ActionRun): BuildReport {
  return JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')) as BuildReport;
}

/** Step id → status of a report. */
export function statuses(report: BuildReport): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
}
