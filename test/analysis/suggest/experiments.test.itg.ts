// The suggestions proven on real rebuilds (fixtures/suggest-experiments/README.md): apply the diff, make the
// same change, and the step the suggestion protects stays cached, the re-run time drops, the image keeps its files.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { analyzeBuild } from '../../../src/analysis/index.js';
import { changesFromList, NO_CHANGES } from '../../../src/analysis/changes.js';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { buildReport } from '../../../src/pipeline/build-report.js';
import type { BuildReport, Suggestion } from '../../../src/model/report.js';
import { parseText } from '../../../src/progress/index.js';
import { buildPlain, describeWithDocker, DOCKER, dockerAvailable, pruneBuildCache } from '../../support/docker.js';
import { removeImages } from '../../support/run-phases.js';
import { fixture } from '../../support/fixtures.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(300_000);

const available = dockerAvailable();
const describeDocker = describeWithDocker(available);

interface Change {
  /** A file to append to (context-relative), or build args to pass. */
  edit?: string;
  buildArgs?: Record<string, string>;
}

describeDocker('suggestions proven on real rebuilds', () => {
  const tags: string[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    removeImages(tags);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function build(ctx: string, tag: string, change: Change = {}): Promise<BuildReport> {
    tags.push(tag);
    const r = await buildPlain({ context: ctx, tag, buildArgs: change.buildArgs });
    if (r.exitCode !== 0) throw new Error(`build ${tag} failed:\n${r.log.slice(-2000)}`);
    const path = join(ctx, 'Dockerfile');
    const text = readFileSync(path, 'utf8');
    const parsed = parseDockerfile(text);
    const report = buildReport(parseText(r.log), { dockerfile: { path, parsed } });
    const changes = change.edit ? changesFromList(change.edit, ctx) : NO_CHANGES;
    await analyzeBuild(report, {
      dockerfile: { path: 'Dockerfile', text, parsed },
      contextDir: ctx,
      changes,
    });
    return report;
  }

  function change(ctx: string, c: Change): void {
    if (c.edit) appendFileSync(join(ctx, c.edit), `// edit ${Date.now()}\n`);
  }

  /** Files of an image, from `docker export` of a container that never starts. */
  function files(tag: string): string[] {
    const id = execFileSync(DOCKER, ['create', tag, 'true'], { encoding: 'utf8' }).trim();
    try {
      const listing = execFileSync('sh', ['-c', `${DOCKER} export ${id} | tar -tv`], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      return listing
        .split('\n')
        .filter((l) => l && !l.startsWith('d'))
        .map((l) => l.split(/\s+/).slice(5).join(' ')) // the name; sizes differ where the edit appended
        .filter((l) => !/^(?:\.\/)?(?:etc\/(?:hostname|hosts|resolv\.conf)|\.dockerenv|proc|sys|dev)/.test(l))
        .sort();
    } finally {
      execFileSync(DOCKER, ['rm', id]);
    }
  }

  const ranSeconds = (r: BuildReport) =>
    r.steps.filter((s) => s.status === 'ran').reduce((n, s) => n + (s.seconds ?? 0), 0);

  test.each([
    ['manifest-order', { edit: 'src/main.js' }, { edit: 'src/main.js' }, 'RUN npm ci'],
    [
      'arg-placement',
      { buildArgs: { VERSION: '1' } },
      { buildArgs: { VERSION: '2' } },
      'RUN sleep 2 && echo deps > /deps.txt',
    ],
    ['copy-order', { edit: 'src/main.js' }, { edit: 'src/main.js' }, 'RUN apt-get update && apt-get install -y curl'],
  ] as [string, Change, Change, string][])(
    '%s: the protected step is cached after the fix',
    async (rule, first, second, protectedText) => {
      if (!available) throw new Error('no Docker engine: .ci/docker-up.sh must run first');
      const ctx = mkdtempSync(join(tmpdir(), `bca-exp-${rule}-`));
      dirs.push(ctx);
      cpSync(fixture('suggest-experiments', rule), ctx, { recursive: true });
      pruneBuildCache(); // cold: an earlier run's cache would hide the problem

      // The problem: the change re-runs the slow step.
      await build(ctx, `bca-itg/exp-${rule}:before-1`, first);
      change(ctx, second);
      const before = await build(ctx, `bca-itg/exp-${rule}:before-2`, second);
      const slow = before.steps.find((s) => s.text === protectedText)!;
      expect(slow.status).toBe('ran');
      const found = before.analysis!.suggestions.filter((s: Suggestion) => s.rule === rule);
      expect(found).toHaveLength(1);
      const suggestion = found[0];
      expect(suggestion).toMatchObject({ evidence: 'data', protects: [slow.id] });
      expect(suggestion.savedSeconds).toBeGreaterThanOrEqual(2);

      // The fix: apply the diff, build, make the same change again.
      const fixed = applyPatch(readFileSync(join(ctx, 'Dockerfile'), 'utf8'), suggestion.diff);
      expect(fixed).not.toBe(false);
      writeFileSync(join(ctx, 'Dockerfile'), fixed as string);
      await build(ctx, `bca-itg/exp-${rule}:after-1`, first);
      change(ctx, second);
      const after = await build(ctx, `bca-itg/exp-${rule}:after-2`, second);
      // The fix may fold another rule's edit of the same lines in (copy-order + apt-cleanup appends to the RUN).
      expect(after.steps.find((s) => s.text.startsWith(protectedText))?.status).toBe('cached');
      expect(ranSeconds(after)).toBeLessThan(ranSeconds(before) - 1.5);
      expect(after.analysis!.suggestions.filter((s) => s.rule === rule)).toEqual([]);

      // Same image contents.
      expect(files(`bca-itg/exp-${rule}:after-2`)).toEqual(files(`bca-itg/exp-${rule}:before-2`));
    },
    180_000,
  );
});
