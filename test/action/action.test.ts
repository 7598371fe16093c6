// The bundled action, run as GitHub runs it: `node dist/action.js` with INPUT_* variables and
// the runner's files for outputs and the job summary.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { errorLines, runAction } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(60_000);

describe('dist/action.js (analyze mode)', () => {
  test('a saved log gives the report file, outputs and the job summary', async () => {
    const r = await runAction({
      'log-file': fixture('recorded', 'node-app-edit.rawjson'),
      dockerfile: fixture('dockerfiles', 'node-app', 'Dockerfile'),
    });
    expect(r.status).toBe(0);
    expect(dirname(dirname(r.outputs['report-path']))).toBe(r.dir);
    expect(basename(r.outputs['report-path'])).toBe('buildkit-cache-report.json');
    expect(Number(r.outputs['cache-hit-ratio'])).toBeCloseTo(4 / 7, 4);
    expect(r.outputs.complete).toBe('true');
    const report = JSON.parse(readFileSync(r.outputs['report-path'], 'utf8'));
    expect(report.steps.find((s: { id: string }) => s.id === 'build#2').lines).toEqual({ start: 10, end: 10 });
    expect(r.summary).toMatch(/^## BuildKit cache analysis/);
  });

  test('a failed build is reported with a warning, and the step still succeeds', async () => {
    const r = await runAction({ 'log-file': fixture('corpus', 'plain-multistage-npm-build-error.log') });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/::warning::Incomplete report: the build failed/);
    expect(r.outputs.complete).toBe('false');
  });

  test.each([
    [{ context: '/nonexistent-context' }, /'context' input names '\/nonexistent-context', which does not exist/],
    [{ mode: 'sideways' }, /'mode' input must be auto, run or analyze but got 'sideways'/],
    [{ 'log-file': '/nonexistent.log' }, /'log-file' input names '\/nonexistent\.log', which does not exist/],
  ])('bad inputs %# fail the step with one clear error', async (inputs, message) => {
    const r = await runAction(inputs as Record<string, string>);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(errorLines(r)).toHaveLength(1);
  });
});

describe('dist/action.js with a baseline', () => {
  const dockerfile = fixture('dockerfiles', 'node-app', 'Dockerfile');

  test('regressions are counted, and fail the step only when asked', async () => {
    const base = await runAction({ 'log-file': fixture('recorded', 'node-app-warm.plain.log'), dockerfile });
    expect(base.outputs['baseline-found']).toBe('false');
    const inputs = {
      'log-file': fixture('recorded', 'node-app-edit.plain.log'),
      dockerfile,
      'baseline-file': base.outputs['report-path'],
      'changed-files': fixture('dockerfiles', 'node-app', 'src', 'util.js'),
      context: fixture('dockerfiles', 'node-app'),
      // The edit re-ran 0.2 s of steps: a regression only over a threshold that low (stage build counts too).
      'time-threshold': '0s',
    };
    const r = await runAction(inputs);
    expect(r.status).toBe(0);
    expect(r.outputs).toMatchObject({ 'baseline-found': 'true', regressions: '4' });
    const report = JSON.parse(readFileSync(r.outputs['report-path'], 'utf8'));
    expect(report.analysis.rootCauses[0]).toMatchObject({
      stepId: 'build#1',
      kind: 'content-changed',
      files: ['src/util.js'],
    });
    // The summary opens with the answer: the step that re-ran and the file that set it off.
    expect(r.summary).toMatch(/^## BuildKit cache analysis\n\n\*\*3 steps that were cached on .* re-ran here\.\*\*/);
    expect(r.summary).toMatch(
      /^Why: `COPY src\/ \.\/src\/` \(line 9, stage `build`\) copied a changed file, `src\/util\.js`/m,
    );
    expect(r.summary).toMatch(/### Against /);
    // One warning for the one root cause, at its Dockerfile line (':' escaped as %3A).
    expect(r.stdout).toMatch(
      /^::warning title=Build regression%3A 3 steps lost the cache \(0\.2s\),file=.*node-app\/Dockerfile,line=9,endLine=9::`COPY src\/ \.\/src\/` \(line 9, stage `build`\) copied a changed file, `src\/util\.js`, and 2 steps after it re-ran: 0\.2s in all\./m,
    );
    expect(r.stdout.match(/^::warning title=Build regression/gm)).toHaveLength(1);

    const strict = await runAction({ ...inputs, 'fail-on-regression': 'true' });
    expect(strict.status).toBe(1);
    expect(errorLines(strict)).toEqual(['::error::4 regression(s) against the baseline: see the job summary']);
  });

  test('a bad threshold fails before anything runs', async () => {
    const r = await runAction({ 'log-file': fixture('recorded', 'node-app-warm.plain.log'), 'time-threshold': 'soon' });
    expect(r.status).toBe(1);
    // % is escaped as %25 in workflow commands.
    expect(errorLines(r)).toEqual([
      `::error::'time-threshold' must be like "20%25", "5s" or "20%25,5s" but got 'soon'`,
    ]);
  });
});
