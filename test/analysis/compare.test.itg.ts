// Baseline comparison on pairs of reports of real builds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../../src/analysis/compare.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/model/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { dockerAvailable } from '../support/docker.js';
import { applyEdit, copyContext, record, removeImages } from '../support/run-phases.js';

const available = dockerAvailable();
const describeDocker = available || process.env.CI ? describe : describe.skip;

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
    const edited = compareReports(await build('edited'), moved);
    expect(edited.steps.filter((s) => s.regressions.includes('lost-cache')).map((s) => s.id)).toEqual([
      'build#1',
      'build#2',
      'stage-2#2',
    ]);
    expect(edited.added).toEqual([]);
    expect(edited.removed).toEqual([]);
  }, 120_000);
});
