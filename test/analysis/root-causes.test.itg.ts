// Root causes on real builds: each edit is made for real, BuildKit decides what re-runs, and the
// analysis must name the step and the change that set it off, with exactly the cascade BuildKit ran.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBuild } from '../../src/analysis/index.js';
import { changesFromList, NO_CHANGES } from '../../src/analysis/changes.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport, RootCause } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { describeWithDocker, dockerAvailable, pruneBuildCache } from '../support/docker.js';
import { applyEdit, copyContext, record, removeImages, type Format } from '../support/run-phases.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(300_000);

const available = dockerAvailable();
const describeDocker = describeWithDocker(available);
const FORMATS: Format[] = ['plain', 'rawjson'];

interface Build {
  report: BuildReport;
}

describeDocker('root causes on real builds', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'bca-itg-causes-'));
  const tags: string[] = [];
  const contexts: string[] = [];
  afterAll(() => {
    removeImages(tags);
    for (const c of contexts) rmSync(c, { recursive: true, force: true });
  });

  async function build(
    scenario: string,
    context: string,
    format: Format,
    phase: string,
    opts: { changed?: string[]; buildArgs?: Record<string, string>; noCache?: boolean } = {},
  ): Promise<Build> {
    const tag = `bca-itg/causes-${scenario}:${format}-${phase}`;
    tags.push(tag);
    const r = await record(
      scenario,
      phase,
      format,
      { context, tag, buildArgs: opts.buildArgs, noCache: opts.noCache },
      logDir,
    );
    if (!r.ok) throw new Error(`${scenario} ${phase} failed: ${r.error ?? r.text.slice(-1000)}`);
    const path = join(context, 'Dockerfile');
    const text = readFileSync(path, 'utf8');
    const parsed = parseDockerfile(text);
    const report = buildReport(parseText(r.text), { file: r.file, dockerfile: { path, parsed } });
    const changes = opts.changed ? changesFromList(opts.changed.join('\n'), context) : NO_CHANGES;
    await analyzeBuild(report, { dockerfile: { path, text, parsed }, contextDir: context, changes });
    return { report };
  }

  function summary(report: BuildReport) {
    return report.analysis!.rootCauses.map((c: RootCause) => ({
      step: c.stepId,
      kind: c.kind,
      files: c.files,
      args: c.args,
      cascade: [...c.cascade].sort(),
    }));
  }

  /** Every step BuildKit re-ran is the root or in its cascade: nothing missing, nothing extra. */
  function expectCascadeIsWhatRan(report: BuildReport) {
    const ran = report.steps
      .filter((s) => s.status === 'ran')
      .map((s) => s.id)
      .sort();
    const covered = report.analysis!.rootCauses.flatMap((c) => [c.stepId, ...c.cascade]);
    expect([...new Set(covered)].sort()).toEqual(ran);
  }

  const results: Record<Format, Record<string, ReturnType<typeof summary>>> = { plain: {}, rawjson: {} };

  test.each(FORMATS)(
    '%s: lock file, source file, build-arg and --no-cache',
    async (format) => {
      if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
      pruneBuildCache();
      const lock = copyContext('lockfile');
      const args = copyContext('arg-shared');
      contexts.push(lock, args);

      await build('lockfile', lock, format, 'cold');
      await build('lockfile', lock, format, 'warm');

      applyEdit(lock, 'package-lock.json');
      const lockEdit = (await build('lockfile', lock, format, 'lock', { changed: ['package-lock.json'] })).report;
      expect(summary(lockEdit)).toEqual([
        {
          step: 'deps#3',
          kind: 'content-changed',
          files: ['package-lock.json'],
          args: [],
          cascade: ['build#1', 'build#2', 'deps#4'],
        },
      ]);
      // The bundle did not change, so BuildKit (content-addressed) kept the final COPY --from cached.
      expect(lockEdit.steps.find((s) => s.id === 'stage-2#2')?.status).toBe('cached');
      expectCascadeIsWhatRan(lockEdit);

      applyEdit(lock, 'src/main.js');
      const srcEdit = (await build('lockfile', lock, format, 'src', { changed: ['src/main.js'] })).report;
      expect(summary(srcEdit)).toEqual([
        {
          step: 'build#1',
          kind: 'content-changed',
          files: ['src/main.js'],
          args: [],
          cascade: ['build#2', 'stage-2#2'],
        },
      ]);
      expect(srcEdit.steps.find((s) => s.id === 'deps#4')?.status).toBe('cached');
      expectCascadeIsWhatRan(srcEdit);

      await build('arg-shared', args, format, 'cold', { buildArgs: { GREETING: 'hello' } });
      const argEdit = (await build('arg-shared', args, format, 'arg', { buildArgs: { GREETING: 'bonjour' } })).report;
      expect(summary(argEdit)).toEqual([
        { step: 'app#4', kind: 'build-arg-changed', files: [], args: ['GREETING'], cascade: ['app#5', 'app#6'] },
      ]);
      expectCascadeIsWhatRan(argEdit);

      const noCache = (await build('lockfile', lock, format, 'nocache', { noCache: true })).report;
      expect(new Set(noCache.analysis!.rootCauses.map((c) => c.kind))).toEqual(new Set(['no-visible-change']));
      expectCascadeIsWhatRan(noCache);

      results[format] = {
        lock: summary(lockEdit),
        src: summary(srcEdit),
        arg: summary(argEdit),
        nocache: summary(noCache),
      };
    },
    300_000,
  );

  test('the same builds analysed from plain and from rawjson give the same root causes', () => {
    expect(Object.keys(results.plain)).toEqual(['lock', 'src', 'arg', 'nocache']);
    expect(results.rawjson).toEqual(results.plain);
  });
});
