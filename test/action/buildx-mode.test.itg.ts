// The rawjson capture path (buildx), on this machine's real engine: the `docker` input points at
// test/support/fake-buildx/docker, which runs builds through the Engine API and prints BuildKit's
// real status stream as buildx --progress=rawjson does (Debian's docker has no buildx).
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { reportOf, runAction, statuses } from '../support/action-runner.js';
import { describeWithDocker, dockerAvailable, pruneBuildCache } from '../support/docker.js';
import { rootDir } from '../support/fixtures.js';
import { applyEdit, copyContext, removeImages } from '../support/run-phases.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(600_000);

const FAKE_BUILDX = join(rootDir, 'test', 'support', 'fake-buildx', 'docker');
const available = dockerAvailable();
const describeDocker = describeWithDocker(available);

describeDocker('action with buildx: rawjson capture (real engine)', () => {
  const ctx = copyContext('node-app');
  const tag = 'bca-itg/buildx:node-app';
  afterAll(() => {
    removeImages([tag]);
    rmSync(ctx, { recursive: true, force: true });
  });

  test('rawjson is captured, shown readably, and read back from the build record', async () => {
    if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
    pruneBuildCache();
    const inputs = { context: ctx, docker: FAKE_BUILDX, tags: tag };

    const cold = await runAction(inputs);
    expect(cold.status).toBe(0);
    const coldReport = reportOf(cold);
    expect(coldReport.source.format).toBe('rawjson');
    expect(coldReport.run).toMatchObject({ cli: 'buildx', exitCode: 0 });
    expect(coldReport.run!.args).toEqual(
      expect.arrayContaining(['buildx', 'build', '--progress=rawjson', '--metadata-file']),
    );
    expect(coldReport.run!.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(coldReport.totals.wallSeconds).toBeGreaterThan(0);
    // The job log is the build as a person reads it, not JSON.
    expect(cold.stdout).toMatch(/^#\d+ \[deps 4\/4\] RUN sleep 1/m);
    expect(cold.stdout).toMatch(/^#\d+ installed \d+ bytes of deps$/m);
    expect(cold.stdout).toMatch(/^#\d+ DONE \d+\.\ds$/m);
    expect(cold.stdout).not.toContain('"vertexes"');

    const warm = reportOf(await runAction(inputs));
    expect(Object.values(statuses(warm)).every((s) => s === 'cached' || s === 'source')).toBe(true);

    applyEdit(ctx, 'src/util.js');
    const edit = reportOf(await runAction(inputs));
    expect(statuses(edit)).toMatchObject({
      'deps#4': 'cached',
      'build#1': 'ran',
      'build#2': 'ran',
      'stage-2#3': 'ran',
    });
    // rawjson knows each step's inputs.
    expect(edit.steps.find((s) => s.id === 'build#2')?.inputs).toEqual(['build#1']);

    // analyze mode: the metadata file names the build record, read back with `buildx history logs`.
    const metadataFile = join(dirname(edit.run!.progressFile), 'metadata.json');
    // The Dockerfile files shared steps under stable ids (BuildKit's label for them varies by build).
    const again = await runAction({ 'metadata-file': metadataFile, docker: FAKE_BUILDX, context: ctx });
    expect(again.status).toBe(0);
    expect(statuses(reportOf(again))).toEqual(statuses(edit));
  }, 600_000);
});
