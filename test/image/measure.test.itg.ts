// measureImage against the real engine: multi-stage builds, then every per-stage and per-layer
// size checked to the byte against `docker image inspect` / `docker history` of images the test
// builds itself with `--target`, and the stage builds checked to be all CACHED with a reading of
// the log that does not use the product's parser. Needs .ci/docker-up.sh's engine.
// With BCA_RECORD_IMAGE_FIXTURES=1 it also rewrites fixtures/image/ from these very builds.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseDockerfile, type Dockerfile } from '../../src/dockerfile/parse.js';
import { parseText } from '../../src/progress/index.js';
import { measureImage } from '../../src/image/measure.js';
import { dockerImages } from '../../src/image/docker-image.js';
import { chooseImageReader } from '../../src/image/engine-images.js';
import type { BuildStage, ImageReader, SizeReport } from '../../src/image/types.js';
import {
  BASE_IMAGE,
  baseImagePresent,
  buildPlain,
  describeWithDocker,
  DOCKER,
  docker,
  dockerAvailable,
} from '../support/docker.js';
import { copyContext, removeImages } from '../support/run-phases.js';
import { DOCKERFILES_DIR } from '../support/scenarios.js';
import { fixture } from '../support/fixtures.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(300_000);

const available = dockerAvailable();
const describeDocker = describeWithDocker(available);
const RECORD = process.env.BCA_RECORD_IMAGE_FIXTURES === '1';
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;
/** The temporary stage tags of this run: unique, so a leftover is ours. */
const TAG_REPOSITORY = `bca-itg-sizes-tmp-${RUN_ID}`;

interface Case {
  name: string;
  buildArgs?: Record<string, string>;
  /**
   * Step id → [stage whose `--target` image holds the layer, a text only that history entry
   * contains (`=text`: the whole entry)].
   */
  layers: Record<string, [string, string]>;
  /** FROM steps: they carry the base image's bytes. */
  froms: string[];
  /** Built stages (keys), and the stages the target does not use. */
  stages: string[];
  notBuilt: string[];
  /** The stages measureImage must build with --target (the others come from a later stage's image). */
  stageBuilds: string[];
}

const CASES: Case[] = [
  {
    name: 'sizes-chain',
    layers: {
      'base#2': ['base', 'WORKDIR /app'],
      'base#3': ['base', 'COPY files/ ./files/'],
      'base#4': ['base', 'of=/app/fill.bin'],
      'tools#2': ['tools', 'of=/tool.bin'],
      'app#1': ['app', 'version.txt'],
      'app#2': ['app', 'COPY /tool.txt /tool.bin'],
    },
    froms: ['base#1'],
    stages: ['base', 'tools', 'app'],
    notBuilt: ['unused'],
    stageBuilds: ['tools'],
  },
  {
    name: 'sizes-scratch',
    layers: {
      'data#1': ['data', 'COPY data/blob.txt'],
      'build#2': ['build', 'of=/out.bin'],
      'build#3': ['build', 'COPY /data/blob.txt /in.txt'],
      'build#4': ['build', 'WORKDIR /work/'],
      'build#5': ['build', 'joined.bin'],
      'final#1': ['final', 'rm /out.bin'],
    },
    froms: ['build#1'],
    stages: ['data', 'build', 'final'],
    notBuilt: [],
    stageBuilds: ['data'],
  },
  {
    name: 'node-app',
    layers: {
      'deps#2': ['deps', 'WORKDIR /app'],
      'deps#3': ['deps', 'COPY package.json'],
      'deps#4': ['deps', 'node_modules/left-pad'],
      'build#1': ['build', 'COPY src/ ./src/'],
      'build#2': ['build', 'dist/bundle.js'],
      'stage-2#2': ['stage-2', 'WORKDIR /srv'],
      'stage-2#3': ['stage-2', 'COPY /app/dist ./dist'],
    },
    froms: ['deps#1'],
    stages: ['deps', 'build', 'stage-2'],
    notBuilt: [],
    stageBuilds: ['build'],
  },
  {
    // One stage, every instruction kind; a build-arg value that BuildKit writes into the history.
    name: 'sizes-instructions',
    buildArgs: { A1: 'value-from-cli' },
    layers: {
      'all#2': ['all', '=WORKDIR /rel'],
      'all#3': ['all', '=WORKDIR /rel/v1/x'],
      'all#4': ['all', 'echo exec form'],
      'all#5': ['all', 'echo one'],
      'all#6': ['all', 'echo cached'],
      'all#7': ['all', 'COPY a.txt /a1.txt'],
      'all#8': ['all', 'COPY b c.txt /bc.txt'],
      'all#9': ['all', 'ADD a.txt b*.txt /multi/'],
      'all#10': ['all', 'COPY v1.txt /k/'],
      'all#11': ['all', 'echo shell'],
    },
    froms: ['all#1'],
    stages: ['all'],
    notBuilt: [],
    stageBuilds: [],
  },
  {
    // assets and app share their first two steps (one vertex each, filed under assets).
    name: 'arg-shared',
    layers: {
      'assets#2': ['app', 'WORKDIR /app'],
      'assets#3': ['assets', 'COPY assets/ ./assets/'],
      'assets#4': ['assets', 'combined.txt && wc'],
      'app#3': ['app', 'COPY app.sh'],
      'app#4': ['app', '> greeting.txt &&'],
      'app#5': ['app', 'COPY /app/combined.txt'],
      'app#6': ['app', 'all.txt'],
    },
    froms: ['assets#1'],
    stages: ['assets', 'app'],
    notBuilt: [],
    stageBuilds: ['assets'],
  },
];

/** Build steps of a plain log that did not end CACHED (FROM and [internal] apart); read without the product's parser. */
function notCachedSteps(log: string): string[] {
  const names = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of log.split('\n')) {
    const header = /^#(\d+) \[([^\]]+ \d+\/\d+)\] (.*)$/.exec(line);
    if (header && !header[3].startsWith('FROM ')) names.set(header[1], `[${header[2]}] ${header[3]}`);
    if (/^#\d+ CACHED$/.test(line)) cached.add(line.split(' ')[0].slice(1));
  }
  return [...names].filter(([n]) => !cached.has(n)).map(([, name]) => name);
}

function cli(args: string[]): string {
  const r = docker(args);
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Image {
  sizeBytes: number;
  history: { createdBy: string; sizeBytes: number }[];
  rawInspect: string;
  rawHistory: string;
}

/** The image as the CLI shows it, read here without the product's code. */
function readImage(ref: string): Image {
  const rawInspect = cli(['image', 'inspect', '--format', '{{json .}}', ref]);
  const rawHistory = cli(['history', '--no-trunc', '--human=false', '--format', '{{json .}}', ref]);
  const history = rawHistory
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { CreatedBy: string; Size: string })
    .map((h) => ({ createdBy: h.CreatedBy, sizeBytes: Number(h.Size) }));
  return { sizeBytes: (JSON.parse(rawInspect) as { Size: number }).Size, history, rawInspect, rawHistory };
}

function layerSize(image: Image, text: string): number {
  const hits = image.history.filter((h) =>
    text.startsWith('=') ? h.createdBy === text.slice(1) : h.createdBy.includes(text),
  );
  if (hits.length !== 1) throw new Error(`${hits.length} history entries contain '${text}'`);
  return hits[0].sizeBytes;
}

/** The scenario's Dockerfile, or the one in a (rewritten) context copy. */
function dockerfileOf(name: string, context = join(DOCKERFILES_DIR, name)): Dockerfile {
  return parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
}

/**
 * The engine is shared: builds of other suites that run at the same time share identical vertices
 * with ours (a FROM of the same image) and BuildKit then prints their labels (`[1/6] FROM ...`)
 * in our logs. Our builds start from a private alias of the base image, so no vertex is shared.
 */
const PRIVATE_BASE = `bca-itg-sizes/busybox:${RUN_ID}`;

function reportOf(log: string, dockerfile: Dockerfile): BuildReport {
  return buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed: dockerfile } });
}

describeDocker('measureImage on the real engine', () => {
  const tags: string[] = [];
  const contexts: string[] = [];

  beforeAll(() => {
    if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
    if (!baseImagePresent()) throw new Error(`no ${BASE_IMAGE} image: run .ci/docker-up.sh first`);
    cli(['tag', BASE_IMAGE, PRIVATE_BASE]);
  });

  afterAll(() => {
    removeImages(tags);
    // Not forced: only the alias goes, the shared base image keeps its own tag.
    docker(['image', 'rm', PRIVATE_BASE]);
    for (const c of contexts) rmSync(c, { recursive: true, force: true });
  });

  /** A copy of the scenario's context whose Dockerfile starts from the private base alias. */
  function newContext(name: string): string {
    const dir = copyContext(name);
    contexts.push(dir);
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(BASE_IMAGE, PRIVATE_BASE));
    return dir;
  }

  /** A real stage build: the same build with --target, tagged only with the temporary tag. */
  function stageBuilder(
    context: string,
    calls: { stage: string; tag: string; log: string }[],
    buildArgs?: Record<string, string>,
  ): BuildStage {
    return async (stage, tag) => {
      const r = await buildPlain({ context, tag, target: stage, buildArgs });
      calls.push({ stage, tag, log: r.log });
      return { ok: r.exitCode === 0, text: r.log };
    };
  }

  describe.each(CASES)('$name', (c) => {
    let dockerfile: Dockerfile;
    const finalTag = `bca-itg-sizes/${c.name}:final-${RUN_ID}`;
    const calls: { stage: string; tag: string; log: string }[] = [];
    const images = new Map<string, Image>();
    let report: BuildReport;
    let sizes: SizeReport;
    let buildLog = '';
    let timing = '';
    let context = '';

    beforeAll(async () => {
      context = newContext(c.name);
      dockerfile = dockerfileOf(c.name, context);
      tags.push(finalTag);
      // --no-cache: every step runs here, so the stage builds below must find them in the cache.
      const built = await buildPlain({ context, tag: finalTag, noCache: true, buildArgs: c.buildArgs });
      if (built.exitCode !== 0) throw new Error(`${c.name} build failed:\n${built.log.slice(-3000)}`);
      buildLog = built.log;
      report = reportOf(built.log, dockerfile);
      const started = Date.now();
      sizes = await measureImage(report, {
        docker: DOCKER,
        image: finalTag,
        dockerfile,
        buildStage: stageBuilder(context, calls, c.buildArgs),
        tagRepository: TAG_REPOSITORY,
      });
      timing = `${c.name}: measureImage took ${Date.now() - started} ms`;
      // The images to compare with: each stage built on its own, after the measurement; the last
      // is the final image (BuildKit 0.8 cannot --target an unnamed stage such as stage-2).
      images.set(c.stages[c.stages.length - 1], readImage(finalTag));
      for (const stage of c.stages.slice(0, -1)) {
        const tag = `bca-itg-sizes/${c.name}:${stage}-${RUN_ID}`;
        tags.push(tag);
        const r = await buildPlain({ context, tag, target: stage, buildArgs: c.buildArgs });
        if (r.exitCode !== 0) throw new Error(`--target ${stage} failed:\n${r.log.slice(-3000)}`);
        images.set(stage, readImage(tag));
      }
      if (RECORD) record(c, buildLog, readImage(finalTag), images, calls);
    }, 300_000);

    afterAll(() => console.log(timing));

    test('the final image: its size, and every stage measured or said why not', () => {
      const final = readImage(finalTag);
      expect(sizes.image).toEqual({ ref: finalTag, sizeBytes: final.sizeBytes });
      expect(sizes.measured).toEqual(c.stages);
      expect(sizes.notMeasured).toEqual(
        c.notBuilt.map((stage) => ({ stage, reason: 'not built in this build: the target does not use it' })),
      );
      expect(sizes.unmappedSteps).toEqual([]);
      expect(sizes.warnings).toEqual([]);
      // The history holds build-arg values (`RUN |1 A1=...`); nothing of it is copied out.
      for (const value of Object.values(c.buildArgs ?? {})) {
        expect(images.get(c.stages[c.stages.length - 1])!.rawHistory).toContain(value);
        expect(JSON.stringify(sizes)).not.toContain(value);
      }
    });

    test('per stage: the size of its --target image, to the byte', () => {
      for (const stage of c.stages) {
        const expected = images.get(stage)!.sizeBytes;
        expect({ stage, sizeBytes: report.stages.find((s) => s.key === stage)?.sizeBytes }).toEqual({
          stage,
          sizeBytes: expected,
        });
        expect(sizes.stages.find((s) => s.key === stage)?.totalBytes).toBe(expected);
      }
      const last = c.stages[c.stages.length - 1];
      expect(images.get(last)!.sizeBytes).toBe(sizes.image!.sizeBytes);
    });

    test('per layer: each step the size of the history entry it made, to the byte', () => {
      const base = readImage(BASE_IMAGE).sizeBytes;
      const got = Object.fromEntries(report.steps.map((s) => [s.id, s.sizeBytes]));
      const expected = Object.fromEntries([
        ...Object.entries(c.layers).map(([id, [stage, text]]) => [id, layerSize(images.get(stage)!, text)]),
        ...c.froms.map((id) => [id, base]),
      ]);
      expect(Object.fromEntries(Object.keys(expected).map((id) => [id, got[id]]))).toEqual(expected);
      // Every step got a size: none is left null.
      expect(report.steps.filter((s) => s.sizeBytes === null).map((s) => s.id)).toEqual([]);
    });

    test('a stage adds exactly the bytes of its own layers', () => {
      for (const st of sizes.stages) {
        const own = report.steps.filter((s) => s.stageKey === st.key && s.instruction !== 'FROM');
        const sharedIn = report.steps.filter((s) => s.sharedWith.some((l) => l.startsWith(`${st.key} `)));
        const bytes = [...own, ...sharedIn].reduce((n, s) => n + (s.instruction === 'FROM' ? 0 : s.sizeBytes!), 0);
        expect({ stage: st.key, added: st.addedBytes }).toEqual({ stage: st.key, added: bytes });
      }
    });

    test('the stage builds were all CACHED, and their temporary tags are gone', () => {
      expect(calls.map((x) => x.stage)).toEqual(c.stageBuilds);
      for (const call of calls) {
        expect(call.tag.startsWith(`${TAG_REPOSITORY}:`)).toBe(true);
        expect({ stage: call.stage, notCached: notCachedSteps(call.log) }).toEqual({
          stage: call.stage,
          notCached: [],
        });
        expect(docker(['image', 'inspect', call.tag]).status).not.toBe(0);
      }
      expect(cli(['images', '--quiet', '--filter', `reference=${TAG_REPOSITORY}`]).trim()).toBe('');
    });

    test('given by id, as the action gives it: read over the engine’s socket, the same sizes as through the CLI', async () => {
      const id = docker(['image', 'inspect', '--format', '{{.Id}}', finalTag]).stdout.trim();
      expect((await chooseImageReader(DOCKER, id)).via).toBe('engine-api');
      const again = reportOf(buildLog, dockerfile);
      const stageCalls: typeof calls = [];
      const viaSocket = await measureImage(again, {
        docker: DOCKER,
        image: id,
        dockerfile,
        buildStage: stageBuilder(context, stageCalls, c.buildArgs),
        tagRepository: TAG_REPOSITORY,
      });
      expect(viaSocket).toEqual({ ...sizes, image: sizes.image && { ...sizes.image, ref: id } });
      expect(again.steps.map((st) => [st.id, st.sizeBytes])).toEqual(report.steps.map((st) => [st.id, st.sizeBytes]));
      expect(stageCalls.map((x) => x.stage)).toEqual(c.stageBuilds);
      // The temporary tags, removed over the socket this time.
      expect(cli(['images', '--quiet', '--filter', `reference=${TAG_REPOSITORY}`]).trim()).toBe('');
    });
  });

  test('a stage build that runs steps is not used, and its tag is removed all the same', async () => {
    const c = CASES[0];
    const context = newContext(c.name);
    const dockerfile = dockerfileOf(c.name, context);
    const tag = `bca-itg-sizes/${c.name}:rebuild-${RUN_ID}`;
    tags.push(tag);
    const built = await buildPlain({ context, tag });
    expect(built.exitCode).toBe(0);
    const report = reportOf(built.log, dockerfile);
    const calls: string[] = [];
    // A caller that breaks the contract (--no-cache): the log shows the RUN re-ran.
    const rebuilding: BuildStage = async (stage, t) => {
      calls.push(t);
      const r = await buildPlain({ context, tag: t, target: stage, noCache: true });
      if (RECORD) writeFileSync(fixture('image', c.name, `${stage}.nocache.plain.log`), r.log);
      return { ok: r.exitCode === 0, text: r.log };
    };
    const sizes = await measureImage(report, {
      docker: DOCKER,
      image: tag,
      dockerfile,
      buildStage: rebuilding,
      tagRepository: TAG_REPOSITORY,
    });
    expect(sizes.notMeasured).toEqual([
      { stage: 'tools', reason: 'would rebuild: 1 step(s) not in the build cache' },
      { stage: 'unused', reason: 'not built in this build: the target does not use it' },
    ]);
    expect(sizes.measured).toEqual(['base', 'app']);
    expect(report.stages.find((s) => s.key === 'tools')?.sizeBytes).toBeNull();
    expect(report.steps.find((s) => s.id === 'tools#2')?.sizeBytes).toBeNull();
    expect(calls).toHaveLength(1);
    expect(docker(['image', 'inspect', calls[0]]).status).not.toBe(0);
  }, 120_000);

  test('an image that is not there: not measured, with the CLI’s reason, and no throw', async () => {
    const c = CASES[0];
    const dockerfile = dockerfileOf(c.name);
    const log = readFileSync(fixture('image', c.name, 'build.plain.log'), 'utf8');
    const missing = `bca-itg-sizes/missing:${RUN_ID}`;
    const sizes = await measureImage(reportOf(log, dockerfile), { docker: DOCKER, image: missing, dockerfile });
    expect(sizes.image).toBeNull();
    expect(sizes.notMeasured[sizes.notMeasured.length - 1]).toEqual({
      stage: 'app',
      reason: `image ${missing} is not available locally (Error: No such image: ${missing})`,
    });
  });

  test('the reader: a missing image and a bad CLI path are "not available", never a throw', async () => {
    const reader: ImageReader = dockerImages('/nonexistent/docker');
    await expect(reader.inspect(BASE_IMAGE)).resolves.toEqual({
      available: false,
      reason: `image ${BASE_IMAGE} is not available locally (the docker CLI '/nonexistent/docker' was not found)`,
    });
    const real = dockerImages(DOCKER);
    await expect(real.history('bca-itg-sizes/none:none')).resolves.toEqual({
      available: false,
      reason:
        'image bca-itg-sizes/none:none is not available locally (Error response from daemon: No such image: bca-itg-sizes/none:none)',
    });
  });
});

/** Saves what these builds produced as the unit tests' fixtures (BCA_RECORD_IMAGE_FIXTURES=1). */
function record(
  c: Case,
  buildLog: string,
  final: Image,
  images: Map<string, Image>,
  calls: { stage: string; log: string }[],
): void {
  const dir = fixture('image', c.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'build.plain.log'), buildLog);
  writeFileSync(join(dir, 'final.inspect.json'), final.rawInspect);
  writeFileSync(join(dir, 'final.history.jsonl'), final.rawHistory);
  // The last stage's image is the final image: not written twice.
  for (const [stage, image] of [...images].filter(([s]) => s !== c.stages[c.stages.length - 1])) {
    writeFileSync(join(dir, `${stage}.inspect.json`), image.rawInspect);
    writeFileSync(join(dir, `${stage}.history.jsonl`), image.rawHistory);
  }
  for (const call of calls) writeFileSync(join(dir, `${call.stage}.stage.plain.log`), call.log);
}
