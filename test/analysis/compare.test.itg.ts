// Baseline comparison on pairs of reports of real builds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../../src/analysis/compare.js';
import { analyzeBuild } from '../../src/analysis/index.js';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/thresholds.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { dockerfileSource } from '../../src/dockerfile/source.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { measureImage } from '../../src/image/measure.js';
import { buildPlain, describeWithDocker, DOCKER, dockerAvailable } from '../support/docker.js';
import { applyEdit, copyContext, record, removeImages } from '../support/run-phases.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(180_000);

const available = dockerAvailable();
const describeDocker = describeWithDocker(available);

describeDocker('baseline comparison of real builds', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'bca-itg-compare-'));
  const ctx = copyContext('lockfile');
  const tags: string[] = [];
  afterAll(() => {
    removeImages(tags);
    rmSync(ctx, { recursive: true, force: true });
  });

  async function build(phase: string): Promise<BuildReport> {
    const tag = `bca-itg/compare:${phase}`;
    tags.push(tag);
    const r = await record('compare', phase, 'plain', { context: ctx, tag }, logDir);
    if (!r.ok) throw new Error(`build ${phase} failed: ${r.text.slice(-1000)}`);
    const path = join(ctx, 'Dockerfile');
    return buildReport(parseText(r.text), {
      file: r.file,
      dockerfile: { path, parsed: parseDockerfile(readFileSync(path, 'utf8')) },
    });
  }

  test('steps that moved two lines down are the same steps; a cached step that re-runs is a regression', async () => {
    if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
    const baseline = await build('base');
    // Two comment lines above the install: the lines move, the cache holds.
    const dockerfile = readFileSync(join(ctx, 'Dockerfile'), 'utf8');
    writeFileSync(
      join(ctx, 'Dockerfile'),
      dockerfile.replace('RUN sleep 1', '# install the locked dependencies\n#\nRUN sleep 1'),
    );
    const moved = await build('moved');
    const c = compareReports(moved, baseline);
    expect(c.added).toEqual([]);
    expect(c.removed).toEqual([]);
    expect(c.regressions).toBe(0);
    const install = c.steps.find((s) => s.id === 'deps#4')!;
    expect(install.lines.to! - install.lines.from!).toBe(2);
    expect(install.status).toEqual({ from: expect.stringMatching(/cached|ran/), to: 'cached' });

    applyEdit(ctx, 'src/main.js');
    // Root causes first (as the pipeline does): the 0.0 s COPY counts through what it set off, over a 0 s threshold.
    const now = await build('edited');
    await analyzeBuild(now, {
      dockerfile: dockerfileSource('Dockerfile', readFileSync(join(ctx, 'Dockerfile'), 'utf8')),
    });
    const edited = compareReports(now, moved, { ...DEFAULT_THRESHOLDS, minSeconds: 0 });
    expect(edited.steps.filter((s) => s.regressions.includes('lost-cache')).map((s) => s.id)).toEqual([
      'build#1',
      'build#2',
      'stage-2#2',
    ]);
    expect(edited.added).toEqual([]);
    expect(edited.removed).toEqual([]);
  }, 120_000);

  test('a stage that grew by 5 MB is a size regression, with its step, stage and image', async () => {
    if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
    const sizesCtx = copyContext('sizes-chain');
    try {
      const measured = async (fill: string): Promise<BuildReport> => {
        const tag = `bca-itg/compare-sizes:fill${fill}`;
        tags.push(tag);
        const buildArgs = { FILL: fill };
        const r = await record('compare-sizes', `fill${fill}`, 'plain', { context: sizesCtx, tag, buildArgs }, logDir);
        if (!r.ok) throw new Error(`build failed: ${r.text.slice(-1000)}`);
        const path = join(sizesCtx, 'Dockerfile');
        const parsed = parseDockerfile(readFileSync(path, 'utf8'));
        const report = buildReport(parseText(r.text), { file: r.file, dockerfile: { path, parsed } });
        report.sizes = await measureImage(report, {
          docker: DOCKER,
          image: tag,
          dockerfile: parsed,
          buildStage: async (stage, stageTag) => {
            const b = await buildPlain({ context: sizesCtx, tag: stageTag, buildArgs, target: stage });
            return { ok: b.exitCode === 0, text: b.log };
          },
        });
        return report;
      };
      const small = await measured('5');
      const big = await measured('10');
      const c = compareReports(big, small);
      const fill = c.steps.find((s) => s.text.startsWith('RUN dd if=/dev/zero of=/app/fill.bin'))!;
      expect(fill.regressions).toContain('bigger');
      expect(fill.sizeBytes.to! - fill.sizeBytes.from!).toBe(5 * 1024 * 1024);
      const base = c.stages.find((s) => s.key === 'base')!;
      expect(base.regressions).toEqual(['bigger']);
      expect(base.sizeBytes.to! - base.sizeBytes.from!).toBe(5 * 1024 * 1024);
      expect(c.image.bigger).toBe(true);
      expect(c.image.sizeBytes.to! - c.image.sizeBytes.from!).toBe(5 * 1024 * 1024);
    } finally {
      rmSync(sizesCtx, { recursive: true, force: true });
    }
  }, 180_000);
});
