// `suggest <Dockerfile>`: the rules without a log, `--check` for linting (fixtures/dockerfiles-good and -bad).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SuggestFileResponse } from '../../src/suggest-file.js';
import { cli } from '../support/cli.js';
import { fixture, listFixtures, rootDir } from '../support/fixtures.js';
import { applied } from '../support/suggest-helpers.js';

const BAD = fixture('dockerfiles-bad');
const badRules = readdirSync(BAD, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** A bad example's folder, with `.git` added for the dockerignore rule (a repository cannot hold one). */
function badContext(rule: string): string {
  if (rule !== 'dockerignore') return join(BAD, rule);
  const dir = mkdtempSync(join(tmpdir(), 'bca-suggest-'));
  cpSync(join(BAD, rule), dir, { recursive: true });
  mkdirSync(join(dir, '.git'));
  return dir;
}

describe('suggest --check', () => {
  test.each(listFixtures('dockerfiles-good', '.Dockerfile'))('good %s: exit 0, only the summary line', async (file) => {
    const r = await cli(['suggest', fixture('dockerfiles-good', file), '--check']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(/^[^\n]*: no suggestions\n$/) });
  });

  test('one bad example per static rule', () => {
    expect(badRules.sort()).toEqual(
      [
        'apk-no-cache',
        'apt-cleanup',
        'apt-update-alone',
        'arg-placement',
        'cache-mount',
        'copy-order',
        'dockerignore',
        'manifest-order',
        'split-run',
      ].sort(),
    );
  });

  test.each(badRules)('bad %s: exit 1 with its diff, which applies', async (rule) => {
    const dir = badContext(rule);
    const file = join(dir, 'Dockerfile');
    const text = await cli(['suggest', file, '--check']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`[${rule}`);
    expect(text.stdout).toMatch(/^ {3}@@ /m);
    expect(text.stderr).toMatch(/1 suggestion\(s\) \(rules of thumb: no build log\)\n$/);
    const json = await cli(['suggest', file, '--format', 'json']);
    expect(json.code).toBe(0); // without --check a suggestion is no failure
    const { suggestions } = JSON.parse(json.stdout) as SuggestFileResponse;
    expect(suggestions.map((s) => s.rule)).toEqual([rule]);
    const s = suggestions[0];
    expect(s.evidence).toBe('static');
    expect(s.gain.basis).toBe('estimated');
    if (s.file === file) expect(() => applied(readFileSync(file, 'utf8'), s)).not.toThrow();
    else expect(applied('', s)).toContain('.git');
    const md = await cli(['suggest', file, '--format', 'md']);
    expect(md.stdout).toContain('```diff');
  });

  test('several Dockerfiles (as a pre-commit hook passes them): exit 1 when any has a suggestion', async () => {
    const good = fixture('dockerfiles-good', 'npm.Dockerfile');
    const bad = join(BAD, 'apk-no-cache', 'Dockerfile');
    const r = await cli(['suggest', good, bad, '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/npm\.Dockerfile: no suggestions$/),
      expect.stringMatching(/apk-no-cache\/Dockerfile: 1 suggestion/),
    ]);
    expect((await cli(['suggest', good, good, '--check'])).code).toBe(0);
    expect(JSON.parse((await cli(['suggest', good, bad, '--format', 'json'])).stdout)).toHaveLength(2);
  });

  test('bad usage and unreadable files: exit 2', async () => {
    expect((await cli(['suggest'])).code).toBe(2);
    expect((await cli(['suggest', join(BAD, 'nope', 'Dockerfile')])).stderr).toMatch(/cannot read .*no such file/);
    expect((await cli(['suggest', join(BAD, 'copy-order', 'Dockerfile'), '--baseline', 'x'])).code).toBe(2);
    expect((await cli(['analyze', 'x.log', '--check'])).code).toBe(2);
  });

  test('the bundled CLI loads the shell parser from dist/', () => {
    const r = spawnSync(
      process.execPath,
      [join(rootDir, 'dist', 'cli.js'), 'suggest', join(BAD, 'apt-update-alone', 'Dockerfile'), '--check'],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toMatch(/1 suggestion/);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('+    && apt-get install');
  }, 60_000);
});
