// The bundled action, run as GitHub runs it: `node dist/action.js` with INPUT_* variables and
// the runner's files for outputs and the job summary.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, rootDir } from '../support/fixtures.js';

function runAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'bca-action-'));
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [join(rootDir, 'dist', 'action.js')], { env, encoding: 'utf8' });
  const outputs: Record<string, string> = {};
  // GITHUB_OUTPUT uses `name<<delimiter` blocks.
  const text = readFileSync(files.output, 'utf8');
  for (const m of text.matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  return { status: r.status, stdout: r.stdout, outputs, summary: readFileSync(files.summary, 'utf8'), dir };
}

describe('dist/action.js (analyze mode)', () => {
  test('a saved log gives the report file, outputs and the job summary', () => {
    const r = runAction({
      'log-file': fixture('recorded', 'node-app-edit.rawjson'),
      dockerfile: fixture('dockerfiles', 'node-app', 'Dockerfile'),
    });
    expect(r.status).toBe(0);
    expect(r.outputs['report-path']).toBe(join(r.dir, 'buildkit-cache-report.json'));
    expect(Number(r.outputs['cache-hit-ratio'])).toBeCloseTo(4 / 7, 4);
    expect(r.outputs.complete).toBe('true');
    const report = JSON.parse(readFileSync(r.outputs['report-path'], 'utf8'));
    expect(report.steps.find((s: { id: string }) => s.id === 'build#2').lines).toEqual({ start: 10, end: 10 });
    expect(r.summary).toMatch(/^## BuildKit cache analysis/);
  });

  test('a failed build is reported with a warning, and the step still succeeds', () => {
    const r = runAction({ 'log-file': fixture('corpus', 'plain-multistage-npm-build-error.log') });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/::warning::Incomplete report: the build failed/);
    expect(r.outputs.complete).toBe('false');
  });

  test.each([
    [{}, /'log-file' input is required/],
    [{ 'log-file': '/nonexistent.log' }, /'log-file' input names '\/nonexistent\.log', which does not exist/],
  ])('bad inputs %# fail the step with one clear error', (inputs, message) => {
    const r = runAction(inputs as Record<string, string>);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.stdout.match(/::error::/g)).toHaveLength(1);
  });
});
