import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedLines, changesFromGit } from '../../src/analysis/changes.js';
import { CopySourceMatcher } from '../../src/analysis/copy-sources.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(30_000);

describe('changedLines', () => {
  test('zero-context hunks give the new lines; a pure deletion marks the line after', () => {
    const diff = '@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+x\n+y\n@@ -20,2 +21,0 @@\n-p\n-q\n';
    expect([...changedLines(diff)].sort((a, b) => a - b)).toEqual([3, 11, 12, 22]);
  });
});

describe('CopySourceMatcher', () => {
  const m = new CopySourceMatcher('/repo/app', 'node_modules\n*.md\n!README.md\n');
  test.each([
    [
      ['package.json', 'package-lock.json*'],
      ['/repo/app/package.json', '/repo/app/package-lock.json', '/repo/app/src/a.js'],
      ['package.json', 'package-lock.json'],
    ],
    [['src/'], ['/repo/app/src/a.js', '/repo/app/src/sub/b.ts', '/repo/app/srcx'], ['src/a.js', 'src/sub/b.ts']],
    [
      ['.'],
      ['/repo/app/NOTES.md', '/repo/app/README.md', '/repo/app/node_modules/x.js', '/repo/other/y'],
      ['README.md'],
    ],
    [['./src/*.js'], ['/repo/app/src/a.js', '/repo/app/src/a.ts'], ['src/a.js']],
  ])('%j', (sources, files, expected) => {
    expect(m.match(sources, files)).toEqual(expected);
  });
});

describe('changesFromGit', () => {
  test('files changed since the merge base, committed, uncommitted and untracked, and Dockerfile lines', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'bca-git-'));
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    git('init', '-q', '-b', 'main');
    mkdirSync(join(repo, 'src'));
    writeFileSync(join(repo, 'Dockerfile'), 'FROM alpine\nCOPY src/ /src/\nRUN make\n');
    writeFileSync(join(repo, 'src', 'a.js'), '1');
    writeFileSync(join(repo, 'src', 'b.js'), '1');
    git('add', '.');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'feature');
    writeFileSync(join(repo, 'src', 'a.js'), '2');
    writeFileSync(join(repo, 'Dockerfile'), 'FROM alpine\nCOPY src/ /src/\nRUN make install\n');
    git('commit', '-qam', 'change');
    writeFileSync(join(repo, 'src', 'b.js'), '2'); // uncommitted
    writeFileSync(join(repo, 'src', 'c.js'), 'new'); // untracked
    const changes = await changesFromGit(repo, 'main', join(repo, 'Dockerfile'));
    expect(changes.files.map((f) => f.slice(repo.length + 1)).sort()).toEqual([
      'Dockerfile',
      'src/a.js',
      'src/b.js',
      'src/c.js',
    ]);
    expect([...changes.dockerfileLines!]).toEqual([3]);
    await expect(changesFromGit(repo, 'no-such-branch', null)).rejects.toThrow(/cannot compare with 'no-such-branch'/);
  });
});
