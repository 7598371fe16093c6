// The mapping on real histories (fixtures/image/): expected sizes are read off the recorded
// `docker history` by hand (see the comments), and the stage totals are the recorded
// `docker image inspect` sizes of each stage's own --target image.
import { parseDockerfile, type Dockerfile } from '../../src/dockerfile/parse.js';
import { parseHistory, parseInspect } from '../../src/image/docker-image.js';
import { mapLayers, numberedSteps, stageChain, type LayerMap } from '../../src/image/map-layers.js';
import type { HistoryEntry } from '../../src/image/types.js';
import { readFixture } from '../support/fixtures.js';

const BASE = 1985512; // local/busybox:1: one imported layer

function dockerfile(scenario: string): Dockerfile {
  return parseDockerfile(readFixture('dockerfiles', scenario, 'Dockerfile'));
}

function history(scenario: string, image: string): HistoryEntry[] {
  const h = parseHistory(readFixture('image', scenario, `${image}.history.jsonl`));
  if (typeof h === 'string') throw new Error(h);
  return h;
}

function inspectSize(scenario: string, image: string): number {
  const r = parseInspect(image, readFixture('image', scenario, `${image}.inspect.json`));
  if (!r.available) throw new Error(r.reason);
  return r.sizeBytes;
}

function stage(df: Dockerfile, name: string) {
  const s = df.stages.find((x) => (x.name ?? `stage-${x.position}`) === name);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
}

/** `stage#index` → bytes, `stage` → [total, added], and the unmapped as `stage#index: reason`. */
function summary(map: LayerMap) {
  const name = (s: { name: string | null; position: number }) => s.name ?? `stage-${s.position}`;
  return {
    steps: Object.fromEntries(map.steps.map((s) => [`${name(s.stage)}#${s.index}`, s.sizeBytes])),
    stages: Object.fromEntries(map.stages.map((s) => [name(s.stage), [s.totalBytes, s.addedBytes]])),
    unmapped: map.unmapped.map((u) => `${name(u.stage)}#${u.index}: ${u.reason}`),
  };
}

describe('stageChain', () => {
  test.each([
    ['sizes-chain', 'app', ['base', 'app']],
    ['sizes-chain', 'tools', ['tools']],
    ['sizes-scratch', 'final', ['build', 'final']],
    ['node-app', 'build', ['deps', 'build']],
    ['node-app', 'stage-2', [null]],
  ])('%s %s', (scenario, target, expected) => {
    const df = dockerfile(scenario);
    expect(stageChain(df, stage(df, target)).map((s) => s.name)).toEqual(expected);
  });
});

describe('numberedSteps', () => {
  test('BuildKit 0.8 numbers neither FROM scratch nor WORKDIR /', () => {
    const df = dockerfile('sizes-scratch');
    const numbers = (name: string) => numberedSteps(stage(df, name)).map((n) => [n.index, n.inst.keyword]);
    expect(numbers('data')).toEqual([[1, 'COPY']]);
    expect(numbers('build')).toEqual([
      [1, 'FROM'],
      [2, 'RUN'],
      [3, 'COPY'],
      [4, 'WORKDIR'],
      [5, 'RUN'],
    ]);
  });
});

describe('mapLayers', () => {
  test.each([
    {
      name: 'sizes-chain final → app (base → app)',
      scenario: 'sizes-chain',
      image: 'final',
      target: 'app',
      // COPY files/ 18, RUN dd 5 MiB; app: RUN echo 20, COPY --from=tools 307205. ENV/ARG/LABEL/USER/CMD skipped.
      steps: { 'base#1': BASE, 'base#2': 0, 'base#3': 18, 'base#4': 5242880, 'app#1': 20, 'app#2': 307205 },
      stages: {
        base: [inspectSize('sizes-chain', 'base'), 5242898],
        app: [inspectSize('sizes-chain', 'final'), 307225],
      },
    },
    {
      name: 'sizes-chain tools',
      scenario: 'sizes-chain',
      image: 'tools',
      target: 'tools',
      steps: { 'tools#1': BASE, 'tools#2': 307205 },
      stages: { tools: [inspectSize('sizes-chain', 'tools'), 307205] },
    },
    {
      name: 'sizes-scratch final → final (build → final); WORKDIR / is skipped',
      scenario: 'sizes-scratch',
      image: 'final',
      target: 'final',
      steps: { 'build#1': BASE, 'build#2': 65536, 'build#3': 2271, 'build#4': 0, 'build#5': 67807, 'final#1': 5 },
      stages: {
        build: [inspectSize('sizes-scratch', 'build'), 135614],
        final: [inspectSize('sizes-scratch', 'final'), 5],
      },
    },
    {
      name: 'sizes-scratch data: FROM scratch, no base, no FROM step',
      scenario: 'sizes-scratch',
      image: 'data',
      target: 'data',
      steps: { 'data#1': 2271 },
      stages: { data: [2271, 2271] },
    },
    {
      name: 'sizes-instructions: every instruction kind, config-only ones between the layers',
      scenario: 'sizes-instructions',
      image: 'final',
      target: 'all',
      steps: {
        'all#1': BASE,
        'all#2': 0, // WORKDIR rel → /rel
        'all#3': 0, // WORKDIR $K1/x → /rel/v1/x
        'all#4': 10, // exec form: "exec form\n"
        'all#5': 4, // "two\n"
        'all#6': 7, // RUN --mount: "cached\n"
        'all#7': 6, // COPY --chown a.txt
        'all#8': 2, // COPY ["b c.txt", ...]
        'all#9': 8, // ADD a.txt b*.txt
        'all#10': 2, // COPY $K1.txt
        'all#11': 6, // RUN under SHELL -xc: "shell\n"
      },
      stages: { all: [inspectSize('sizes-instructions', 'final'), 45] },
    },
    {
      name: 'node-app build (deps → build)',
      scenario: 'node-app',
      image: 'build',
      target: 'build',
      steps: { 'deps#1': BASE, 'deps#2': 0, 'deps#3': 91, 'deps#4': 91, 'build#1': 108, 'build#2': 108 },
      stages: { deps: [inspectSize('node-app', 'deps'), 182], build: [inspectSize('node-app', 'build'), 216] },
    },
    {
      name: 'node-app final → stage-2 (unnamed)',
      scenario: 'node-app',
      image: 'final',
      target: 'stage-2',
      steps: { 'stage-2#1': BASE, 'stage-2#2': 0, 'stage-2#3': 108 },
      stages: { 'stage-2': [inspectSize('node-app', 'final'), 108] },
    },
    {
      name: 'arg-shared final → app',
      scenario: 'arg-shared',
      image: 'final',
      target: 'app',
      steps: { 'app#1': BASE, 'app#2': 0, 'app#3': 36, 'app#4': 21, 'app#5': 11, 'app#6': 32 },
      stages: { app: [inspectSize('arg-shared', 'final'), 100] },
    },
  ])('$name', ({ scenario, image, target, steps, stages }) => {
    const df = dockerfile(scenario);
    const map = mapLayers(history(scenario, image), df, stage(df, target));
    expect(summary(map)).toEqual({ steps, stages, unmapped: [] });
    // The image is its entries: the total is the sum, and the inspect size.
    expect(map.totalBytes).toBe(inspectSize(scenario, image));
  });

  test('an instruction edited since the build: unmapped from there back, the rest kept', () => {
    const text = readFixture('dockerfiles', 'sizes-chain', 'Dockerfile').replace('> version.txt', '> v.txt');
    const df = parseDockerfile(text);
    const map = mapLayers(history('sizes-chain', 'final'), df, stage(df, 'app'));
    const later = 'a later instruction (app 1, line 23) does not match the history';
    expect(summary(map)).toEqual({
      steps: { 'app#2': 307205 },
      stages: { base: [null, null], app: [7535635, null] },
      unmapped: [
        "app#1: the history's RUN is not this instruction's",
        `base#2: ${later}`,
        `base#3: ${later}`,
        `base#4: ${later}`,
        'base#1: the base image could not be told apart in the history',
      ],
    });
    expect(map.baseBytes).toBeNull();
  });

  test('the history of another image: nothing is paired by guess', () => {
    const df = dockerfile('sizes-chain');
    const map = mapLayers(history('sizes-chain', 'tools'), df, stage(df, 'app'));
    expect(map.steps).toEqual([]);
    expect(map.unmapped[0].reason).toBe('the history has a RUN where the Dockerfile has COPY');
    expect(map.unmapped).toHaveLength(6);
  });

  test.each([
    [0, 'base#4: the history ends before this instruction'],
    [1, 'base#4: the history has no layer entry for this RUN'],
  ])('a history shorter than the instructions (%d entries)', (length, reason) => {
    const df = dockerfile('sizes-chain');
    const map = mapLayers(history('sizes-chain', 'final').slice(0, length), df, stage(df, 'base'));
    expect(summary(map).unmapped[0]).toBe(reason);
  });

  test('a FROM scratch stage whose history has a base image under it', () => {
    const df = dockerfile('sizes-scratch');
    const entries = [history('sizes-chain', 'tools')[0], ...history('sizes-scratch', 'data')];
    const map = mapLayers(entries, df, stage(df, 'data'));
    expect(summary(map)).toEqual({
      steps: {},
      stages: { data: [BASE + 2271, null] },
      unmapped: ['data#1: the history has entries before the first instruction of a FROM scratch stage'],
    });
  });
});
