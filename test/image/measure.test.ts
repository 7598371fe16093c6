// measureImage on recorded builds (fixtures/image/): the docker CLI is replaced by a reader of
// the recorded `docker image inspect` / `docker history`, and buildStage by the recorded stage
// builds. The same builds are checked against the real engine in measure.test.itg.ts.
import { existsSync } from 'node:fs';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseDockerfile, type Dockerfile } from '../../src/dockerfile/parse.js';
import { parseText } from '../../src/progress/index.js';
import { parseHistory, parseInspect } from '../../src/image/docker-image.js';
import { measureImage } from '../../src/image/measure.js';
import type { BuildStage, ImageReader, MeasureImageOpts } from '../../src/image/types.js';
import { fixture, readFixture } from '../support/fixtures.js';

const BASE = 1985512; // local/busybox:1
const FINAL = 'registry.example/app:final';
const TEMP_TAG = /^buildkit-cache-analytics-stage:([\w.-]+)-[0-9a-f]{8}$/;

function dockerfile(scenario: string): Dockerfile {
  return parseDockerfile(readFixture('dockerfiles', scenario, 'Dockerfile'));
}

function report(scenario: string, df = dockerfile(scenario), log = readFixture('image', scenario, 'build.plain.log')) {
  return buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed: df } });
}

/** The recorded images: FINAL is `final`, a temporary stage tag is that stage's --target image. */
function recordedImages(scenario: string) {
  const read: string[] = [];
  const removed: string[] = [];
  const file = (ref: string, ext: string) => {
    const name = ref === FINAL ? 'final' : TEMP_TAG.exec(ref)?.[1];
    const path = name && fixture('image', scenario, `${name}.${ext}`);
    return path && existsSync(path) ? readFixture('image', scenario, `${name}.${ext}`) : null;
  };
  const missing = (ref: string) => ({
    available: false as const,
    reason: `image ${ref} is not available locally (Error: No such image: ${ref})`,
  });
  const reader: ImageReader = {
    inspect: async (ref) => {
      read.push(ref);
      const text = file(ref, 'inspect.json');
      return text === null ? missing(ref) : parseInspect(ref, text);
    },
    history: async (ref) => {
      const text = file(ref, 'history.jsonl');
      const entries = text === null ? null : parseHistory(text);
      if (typeof entries === 'string') throw new Error(entries);
      return entries ? { available: true, entries } : missing(ref);
    },
    remove: async (tag) => {
      removed.push(tag);
      return null;
    },
  };
  return { reader, read, removed };
}

/** The recorded stage builds (`<stage>.<kind>.plain.log`). */
function recordedStageBuilds(scenario: string, kind = 'stage') {
  const calls: [string, string][] = [];
  const buildStage: BuildStage = async (stage, tag) => {
    calls.push([stage, tag]);
    return { ok: true, text: readFixture('image', scenario, `${stage}.${kind}.plain.log`) };
  };
  return { buildStage, calls };
}

function stepSizes(rep: BuildReport): Record<string, number | null> {
  return Object.fromEntries(rep.steps.filter((s) => s.index !== null).map((s) => [s.id, s.sizeBytes]));
}

function stageSizes(rep: BuildReport): Record<string, number | null> {
  return Object.fromEntries(rep.stages.map((s) => [s.key, s.sizeBytes]));
}

async function measure(scenario: string, opts: Partial<MeasureImageOpts> = {}, rep = report(scenario)) {
  const images = recordedImages(scenario);
  const builds = recordedStageBuilds(scenario);
  const sizes = await measureImage(rep, {
    docker: 'docker',
    image: FINAL,
    dockerfile: dockerfile(scenario),
    images: images.reader,
    buildStage: builds.buildStage,
    ...opts,
  });
  return { sizes, rep, images, builds };
}

describe('measureImage', () => {
  test('sizes-chain: the target chain from the final image, the side stage from a cached stage build', async () => {
    const { sizes, rep, images, builds } = await measure('sizes-chain');
    expect(sizes).toEqual({
      image: { ref: FINAL, sizeBytes: 7535635 },
      measured: ['base', 'tools', 'app'],
      notMeasured: [{ stage: 'unused', reason: 'not built in this build: the target does not use it' }],
      stages: [
        { key: 'base', totalBytes: 7228410, addedBytes: 5242898, measuredFrom: 'image' },
        { key: 'tools', totalBytes: 2292717, addedBytes: 307205, measuredFrom: 'stage-build' },
        { key: 'app', totalBytes: 7535635, addedBytes: 307225, measuredFrom: 'image' },
      ],
      unmappedSteps: [],
      warnings: [],
    });
    // base#1 is the FROM BuildKit ran once for base and tools (filed under base).
    expect(stepSizes(rep)).toEqual({
      'base#1': BASE,
      'base#2': 0,
      'base#3': 18,
      'base#4': 5242880,
      'tools#2': 307205,
      'app#1': 20,
      'app#2': 307205,
    });
    expect(stageSizes(rep)).toEqual({ base: 7228410, tools: 2292717, app: 7535635 });
    // One stage build (base comes from the final image), its temporary tag removed.
    expect(builds.calls.map(([stage]) => stage)).toEqual(['tools']);
    expect(builds.calls[0][1]).toMatch(TEMP_TAG);
    expect(images.removed).toEqual([builds.calls[0][1]]);
  });

  test('the side stage is built while the final image is read, and the reads apply in the same order', async () => {
    const scenario = 'sizes-chain';
    const sequential = await measure(scenario);
    const images = recordedImages(scenario);
    const builds = recordedStageBuilds(scenario);
    const events: string[] = [];
    let stageBuildStarted!: () => void;
    const started = new Promise<void>((resolve) => (stageBuildStarted = resolve));
    const rep = report(scenario);
    const sizes = await measureImage(rep, {
      docker: 'docker',
      image: FINAL,
      dockerfile: dockerfile(scenario),
      images: {
        ...images.reader,
        // The final image answers only once the stage build is under way, and later than the stage's image.
        inspect: async (ref) => {
          if (ref === FINAL) await started;
          events.push(`inspect ${ref === FINAL ? 'final' : 'stage'}`);
          return images.reader.inspect(ref);
        },
      },
      buildStage: async (stage, tag) => {
        events.push(`build ${stage}`);
        stageBuildStarted();
        return builds.buildStage(stage, tag);
      },
    });
    expect(events[0]).toBe('build tools');
    expect(sizes).toEqual(sequential.sizes);
    expect(stepSizes(rep)).toEqual(stepSizes(sequential.rep));
  });

  test.each([
    {
      scenario: 'sizes-scratch',
      measured: ['data', 'build', 'final'],
      builds: ['data'],
      steps: {
        'data#1': 2271,
        'build#1': BASE,
        'build#2': 65536,
        'build#3': 2271,
        'build#4': 0,
        'build#5': 67807,
        'final#1': 5,
      },
      stages: { data: 2271, build: 2121126, final: 2121131 },
    },
    {
      scenario: 'node-app',
      measured: ['deps', 'build', 'stage-2'],
      builds: ['build'],
      steps: {
        'deps#1': BASE,
        'deps#2': 0,
        'deps#3': 91,
        'deps#4': 91,
        'build#1': 108,
        'build#2': 108,
        'stage-2#2': 0,
        'stage-2#3': 108,
      },
      stages: { deps: 1985694, build: 1985910, 'stage-2': 1985620 },
    },
    {
      scenario: 'arg-shared',
      measured: ['assets', 'app'],
      builds: ['assets'],
      // assets#1 and #2 are also app's first two steps (one vertex each).
      steps: {
        'assets#1': BASE,
        'assets#2': 0,
        'assets#3': 11,
        'assets#4': 11,
        'app#3': 36,
        'app#4': 21,
        'app#5': 11,
        'app#6': 32,
      },
      stages: { assets: 1985534, app: 1985612 },
    },
    {
      scenario: 'sizes-instructions',
      measured: ['all'],
      builds: [],
      steps: {
        'all#1': BASE,
        'all#2': 0,
        'all#3': 0,
        'all#4': 10,
        'all#5': 4,
        'all#6': 7,
        'all#7': 6,
        'all#8': 2,
        'all#9': 8,
        'all#10': 2,
        'all#11': 6,
      },
      stages: { all: 1985557 },
    },
  ])('$scenario: every step and stage measured', async ({ scenario, measured, builds, steps, stages }) => {
    const { sizes, rep, images, builds: b } = await measure(scenario);
    expect(sizes).toMatchObject({ measured, notMeasured: [], unmappedSteps: [], warnings: [] });
    expect(stepSizes(rep)).toEqual(steps);
    expect(stageSizes(rep)).toEqual(stages);
    expect(b.calls.map(([stage]) => stage)).toEqual(builds);
    expect(images.removed).toEqual(b.calls.map(([, tag]) => tag));
  });

  test('a stage build whose log shows a step that ran is not used; the tag is removed all the same', async () => {
    const images = recordedImages('sizes-chain');
    const builds = recordedStageBuilds('sizes-chain', 'nocache');
    const rep = report('sizes-chain');
    const sizes = await measureImage(rep, {
      docker: 'docker',
      image: FINAL,
      dockerfile: dockerfile('sizes-chain'),
      images: images.reader,
      buildStage: builds.buildStage,
    });
    expect(sizes.notMeasured).toEqual([
      { stage: 'tools', reason: 'would rebuild: 1 step(s) not in the build cache' },
      { stage: 'unused', reason: 'not built in this build: the target does not use it' },
    ]);
    expect(stageSizes(rep).tools).toBeNull();
    expect(stepSizes(rep)['tools#2']).toBeNull();
    // The image of that build was never read.
    expect(images.read).toEqual([FINAL]);
    expect(images.removed).toEqual([builds.calls[0][1]]);
  });

  test('analyze mode (no stage builds): the final image only, and why not the others', async () => {
    const { sizes, rep } = await measure('node-app', { buildStage: undefined });
    const why = 'intermediate stages are measured only when the action runs the build';
    expect(sizes).toMatchObject({
      measured: ['stage-2'],
      notMeasured: [
        { stage: 'deps', reason: why },
        { stage: 'build', reason: why },
      ],
    });
    expect(stageSizes(rep)).toEqual({ deps: null, build: null, 'stage-2': 1985620 });
  });

  test.each([
    {
      name: 'no image (push-only)',
      image: null,
      reason: 'no local image: the build left none (push-only, several platforms without load)',
    },
    {
      name: 'an image not in the local store',
      image: 'registry.example/app:pushed',
      reason:
        'image registry.example/app:pushed is not available locally (Error: No such image: registry.example/app:pushed)',
    },
  ])('$name: the target is not measured, with the reason', async ({ image, reason }) => {
    const { sizes } = await measure('sizes-scratch', { image, buildStage: undefined });
    expect(sizes.image).toBeNull();
    expect(sizes.notMeasured.find((n) => n.stage === 'final')).toEqual({ stage: 'final', reason });
  });

  test('a failed build: its tag may name an older image, which is never read', async () => {
    const df = dockerfile('failing-run');
    const rep = report('failing-run', df, readFixture('recorded', 'failing-run-fail.plain.log'));
    const images = recordedImages('failing-run');
    const builds = recordedStageBuilds('failing-run');
    const sizes = await measureImage(rep, {
      docker: 'docker',
      image: 'app:latest',
      dockerfile: df,
      images: images.reader,
      buildStage: builds.buildStage,
    });
    expect(sizes).toEqual({
      image: null,
      measured: [],
      notMeasured: [{ stage: '(default)', reason: 'the build did not finish, so app:latest is not its image' }],
      stages: [],
      unmappedSteps: [],
      warnings: [],
    });
    expect(images.read).toEqual([]);
    expect(builds.calls).toEqual([]);
  });

  test('a stage that did not finish is never built again', async () => {
    const rep = report('sizes-chain');
    const tools = rep.steps.find((s) => s.id === 'tools#2')!;
    tools.status = 'canceled';
    const { sizes, builds } = await measure('sizes-chain', {}, rep);
    expect(sizes.notMeasured[0]).toEqual({
      stage: 'tools',
      reason: "its step tools#2 ended 'canceled' in this build; building it again would rebuild",
    });
    expect(builds.calls).toEqual([]);
  });

  test('several platforms in one report: the image size, no stage guessed', async () => {
    const rep = report('sizes-chain');
    for (const s of rep.steps.filter((x) => x.index !== null).slice(0, 3)) s.platform = 'linux/arm64';
    const { sizes, builds } = await measure('sizes-chain', {}, rep);
    expect(sizes.image).toEqual({ ref: FINAL, sizeBytes: 7535635 });
    expect(sizes.measured).toEqual([]);
    expect(sizes.notMeasured.map((n) => n.reason)).toContain(
      'the build has 2 targets or platforms (linux/arm64, (default)); a local image holds one',
    );
    expect(builds.calls).toEqual([]);
  });

  test('a Dockerfile that no longer matches the image: the steps it cannot pair are listed, not guessed', async () => {
    const df = parseDockerfile(
      readFixture('dockerfiles', 'sizes-chain', 'Dockerfile').replace('> version.txt', '> v.txt'),
    );
    const { sizes, rep } = await measure(
      'sizes-chain',
      { dockerfile: df, buildStage: undefined },
      report('sizes-chain', df),
    );
    const later = 'a later instruction (app 1, line 23) does not match the history';
    expect(sizes.unmappedSteps).toEqual([
      { id: 'app#1', reason: "the history's RUN is not this instruction's" },
      { id: 'base#2', reason: later },
      { id: 'base#3', reason: later },
      { id: 'base#4', reason: later },
      { id: 'base#1', reason: 'the base image could not be told apart in the history' },
    ]);
    // The steps after the disagreement keep their sizes; the image's total is still a fact.
    expect(stepSizes(rep)).toMatchObject({ 'app#1': null, 'app#2': 307205, 'base#4': null });
    expect(sizes.measured).toEqual(['app']);
    expect(sizes.stages).toEqual([{ key: 'app', totalBytes: 7535635, addedBytes: null, measuredFrom: 'image' }]);
  });

  test('a report step that is not the instruction the history paired: left without a size', async () => {
    const rep = report('sizes-chain');
    rep.steps.find((s) => s.id === 'app#1')!.text = 'RUN echo something else';
    const { sizes } = await measure('sizes-chain', {}, rep);
    expect(sizes.unmappedSteps).toEqual([
      { id: 'app#1', reason: 'the report has no step app 1 that is the instruction at line 23' },
    ]);
    expect(stepSizes(rep)).toMatchObject({ 'app#1': null, 'app#2': 307205 });
  });

  test("a step printed under a concurrent build's label belongs to no stage here", async () => {
    // Seen on a shared engine: the FROM vertex another build also ran, printed `[1/6] FROM ...`.
    const rep = report('sizes-chain');
    const from = rep.steps.find((s) => s.id === 'base#1')!;
    Object.assign(from, { id: '(default)#1', stage: null, stageKey: '(default)', count: 6, sharedWith: [] });
    const { sizes } = await measure('sizes-chain', {}, rep);
    expect(sizes.measured).toEqual(['base', 'tools', 'app']);
    expect(sizes.unmappedSteps).toEqual([
      { id: 'base#1', reason: 'the report has no step base 1 that is the instruction at line 6' },
      { id: 'tools#1', reason: 'the report has no step tools 1 that is the instruction at line 14' },
    ]);
    expect(from.sizeBytes).toBeNull();
  });

  test('an unnamed intermediate stage cannot be built with --target: said so, not attempted', async () => {
    const df = parseDockerfile('FROM local/busybox:1\nRUN echo a > /a\nFROM local/busybox:1\nCOPY --from=0 /a /a\n');
    const log = [
      '#1 [stage-0 1/2] FROM docker.io/local/busybox:1',
      '#1 DONE 0.0s',
      '',
      '#2 [stage-0 2/2] RUN echo a > /a',
      '#2 DONE 0.1s',
      '',
      '#3 [stage-1 2/2] COPY --from=0 /a /a',
      '#3 DONE 0.0s',
      '',
    ].join('\n');
    const builds = recordedStageBuilds('none');
    const sizes = await measureImage(report('none', df, log), {
      docker: 'docker',
      image: null,
      dockerfile: df,
      images: recordedImages('none').reader,
      buildStage: builds.buildStage,
    });
    expect(sizes.notMeasured[0]).toEqual({
      stage: 'stage-0',
      reason: 'an unnamed stage cannot be built on its own (--target needs a name)',
    });
    expect(builds.calls).toEqual([]);
  });

  test('a stage build that throws, and a tag that cannot be removed', async () => {
    const images = recordedImages('sizes-chain');
    images.reader.remove = async () => 'Error response from daemon: conflict: unable to remove repository reference';
    const sizes = await measureImage(report('sizes-chain'), {
      docker: 'docker',
      image: FINAL,
      dockerfile: dockerfile('sizes-chain'),
      images: images.reader,
      buildStage: async () => {
        throw new Error('spawn docker ENOENT');
      },
    });
    expect(sizes.notMeasured[0]).toEqual({
      stage: 'tools',
      reason: 'the stage build could not run: spawn docker ENOENT',
    });
    expect(sizes.warnings).toHaveLength(1);
    expect(sizes.warnings[0]).toMatch(
      /^temporary tag buildkit-cache-analytics-stage:tools-[0-9a-f]{8} could not be removed: Error response from daemon: conflict/,
    );
  });

  test('an unknown --target: a warning, nothing per stage', async () => {
    const { sizes } = await measure('sizes-chain', { target: 'nope' });
    expect(sizes.warnings).toEqual(["the target 'nope' is no stage of the Dockerfile: no stage of the image measured"]);
  });
});
