// The bundled action in run mode against the real engine: it runs the build itself, and its
// report must say what BuildKit did. Needs .ci/docker-up.sh's engine (CI starts it).
import { readFileSync, rmSync } from 'node:fs';
import { errorLines, reportOf, runAction, statuses } from '../support/action-runner.js';
import { describeWithDocker, DOCKER, docker, dockerAvailable, pruneBuildCache } from '../support/docker.js';
import { applyEdit, copyContext, removeImages } from '../support/run-phases.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(180_000);

const available = dockerAvailable();
const describeDocker = describeWithDocker(available);

describeDocker('action run mode (real engine)', () => {
  const tags: string[] = [];
  const contexts: string[] = [];
  afterAll(() => {
    removeImages(tags);
    for (const c of contexts) rmSync(c, { recursive: true, force: true });
  });

  function context(name: string): string {
    const dir = copyContext(name);
    contexts.push(dir);
    return dir;
  }

  test('cold, warm and after an edit: per-step statuses match what BuildKit did', async () => {
    if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
    pruneBuildCache();
    const ctx = context('node-app');
    tags.push('bca-itg/action:node-app');
    const inputs = { context: ctx, docker: DOCKER, tags: 'bca-itg/action:node-app' };

    const cold = await runAction(inputs);
    expect(cold.status).toBe(0);
    const coldReport = reportOf(cold);
    expect(coldReport.complete).toBe(true);
    expect(coldReport.run).toMatchObject({ cli: 'docker build', exitCode: 0 });
    expect(Object.values(statuses(coldReport)).filter((s) => s === 'cached')).toEqual([]);
    // The job log shows the build as it runs.
    expect(cold.stdout).toMatch(/\[deps 4\/4\] RUN sleep 1/);
    // Plain progress has no times: the action stamps lines as they arrive, so steps have start and
    // end times (the 1 s sleep included), and the step waterfall can be drawn.
    const sleep = coldReport.steps.find((s) => s.id === 'deps#4')!;
    expect(sleep.completed! - sleep.started!).toBeGreaterThanOrEqual(900);
    expect(coldReport.totals.wallSeconds).toBeGreaterThanOrEqual(1);
    expect(readFileSync(`${cold.outputs['report-dir']}/charts/waterfall.svg`, 'utf8')).toContain('Steps over time');

    const warm = await runAction(inputs);
    const warmReport = reportOf(warm);
    expect(statuses(warmReport)).toEqual({
      'deps#1': 'source',
      'deps#2': 'cached',
      'deps#3': 'cached',
      'deps#4': 'cached',
      'build#1': 'cached',
      'build#2': 'cached',
      'stage-2#2': 'cached',
      'stage-2#3': 'cached',
    });
    expect(warm.outputs['cache-hit-ratio']).toBe('1.0000');
    // Sizes: the final image and the stages under it, to the byte of what docker says.
    const inspected = JSON.parse(docker(['image', 'inspect', 'bca-itg/action:node-app']).stdout)[0];
    expect(warmReport.sizes?.image).toEqual({ ref: expect.any(String), sizeBytes: inspected.Size });
    expect(warm.outputs['image-size']).toBe(String(inspected.Size));
    expect(warmReport.sizes?.measured).toEqual(expect.arrayContaining(['stage-2', 'build', 'deps']));
    expect(warmReport.stages.find((st) => st.key === 'stage-2')?.sizeBytes).toBe(inspected.Size);
    // Measuring built nothing new and left no temporary tag behind.
    expect(docker(['images', '--format', '{{.Repository}}:{{.Tag}}']).stdout).not.toMatch(
      /bca-stage|buildkit-cache-analytics-stage/,
    );
    const overhead = warmReport.run!.overheadSeconds! / warmReport.run!.buildSeconds;
    console.log(
      `run mode, warm build: build ${warmReport.run!.buildSeconds}s, action overhead ${warmReport.run!.overheadSeconds}s (${(overhead * 100).toFixed(1)}% of the build)`,
    );

    applyEdit(ctx, 'src/util.js');
    const edit = reportOf(await runAction(inputs));
    expect(statuses(edit)).toMatchObject({
      'deps#4': 'cached',
      'build#1': 'ran',
      'build#2': 'ran',
      'stage-2#3': 'ran',
    });
    expect(edit.steps.find((s) => s.id === 'build#1')?.lines).toEqual({ start: 9, end: 9 });
    // The progress the action saved is the real log: read again, it gives the same statuses.
    expect(readFileSync(edit.run!.progressFile, 'utf8')).toMatch(/^#\d+ \[build 1\/2\] COPY src\/ \.\/src\/$/m);
  }, 180_000);

  test('a failing RUN: report with the failing step and its log, then the step fails', async () => {
    const ctx = context('failing-run');
    const run = await runAction({ context: ctx, docker: DOCKER });
    expect(run.status).toBe(1);
    const report = reportOf(run);
    expect(report.failed).toBe(true);
    expect(report.complete).toBe(false);
    const failing = report.steps.find((s) => s.status === 'error')!;
    expect(failing).toMatchObject({ id: '(default)#3', instruction: 'RUN' });
    expect(failing.logTail).toEqual(expect.arrayContaining(['checking input', 'giving up']));
    expect(errorLines(run)).toEqual([expect.stringMatching(/^::error::the build failed \(docker exited with 1\): /)]);
    expect(run.summary).toMatch(/build failed/);
  }, 120_000);

  test('fail-on-build-error: false reports the failure and passes', async () => {
    const run = await runAction({ context: context('failing-run'), docker: DOCKER, 'fail-on-build-error': 'false' });
    expect(run.status).toBe(0);
    expect(reportOf(run).failed).toBe(true);
  }, 120_000);

  test('a build-arg value never reaches the report, outputs, summary or saved progress', async () => {
    const secret = 'hunter2-s3cr3t-value';
    const ctx = context('arg-shared');
    tags.push('bca-itg/action:arg');
    const run = await runAction({
      context: ctx,
      docker: DOCKER,
      'build-args': `GREETING=${secret}`,
      tags: 'bca-itg/action:arg',
    });
    expect(run.status).toBe(0);
    const report = reportOf(run);
    // BuildKit shows the value inside the RUN's name; the report keeps the step, masked.
    expect(report.steps.find((s) => s.id === 'app#4')?.text).toBe(
      'RUN echo "***" > greeting.txt && sh app.sh > out.txt && cat out.txt',
    );
    for (const text of [
      readFileSync(run.outputs['report-path'], 'utf8'),
      JSON.stringify(run.outputs),
      run.summary,
      readFileSync(report.run!.progressFile, 'utf8'),
    ]) {
      expect(text).not.toContain(secret);
    }
    // and the job log masks it too (the runner masks values registered with ::add-mask::)
    expect(run.stdout).toContain(`::add-mask::${secret}`);
  }, 120_000);

  test.each([
    [{ file: '/nonexistent/Dockerfile' }, /^::error::Dockerfile '\/nonexistent\/Dockerfile' not found/],
    [
      { docker: '/nonexistent/docker' },
      /^::error::'docker' input names '\/nonexistent\/docker', which cannot be run \(not found\)/,
    ],
  ])('bad setup %#: one clear error line', async (inputs, message) => {
    const run = await runAction({ context: context('node-app'), docker: DOCKER, ...inputs });
    expect(run.status).toBe(1);
    expect(errorLines(run)).toEqual([expect.stringMatching(message)]);
  });

  test('a daemon that is not running: one clear error line', async () => {
    const run = await runAction(
      { context: context('node-app'), docker: DOCKER },
      { DOCKER_HOST: 'unix:///tmp/bca-no-daemon.sock' },
    );
    expect(run.status).toBe(1);
    expect(errorLines(run)).toEqual([expect.stringMatching(/^::error::cannot reach the Docker daemon: /)]);
  });
});
