import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli.js';
import { fixture, rootDir } from '../support/fixtures.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(60_000);

async function cli(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdin: Readable.from([stdin]),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const editLog = fixture('recorded', 'node-app-edit.plain.log');
const nodeDockerfile = fixture('dockerfiles', 'node-app', 'Dockerfile');
const failing = fixture('corpus', 'plain-multistage-npm-build-error.log');

describe('runCli', () => {
  test('a log saved by Windows PowerShell 5.1 (UTF-16LE, BOM, CRLF) reads as the UTF-8 one, file and stdin', async () => {
    const text = readFileSync(editLog, 'utf8');
    const file = join(mkdtempSync(join(tmpdir(), 'bca-utf16-')), 'build.log');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le')]),
    );
    const utf8 = await cli(['analyze', editLog, '--format', 'json']);
    const utf16 = await cli(['analyze', file, '--format', 'json']);
    expect(utf16.code).toBe(0);
    const strip = (out: string) => ({ ...JSON.parse(out), generatedAt: 0, source: 0 });
    expect(strip(utf16.stdout)).toEqual(strip(utf8.stdout));
    const piped = spawnSync(process.execPath, [join(rootDir, 'dist', 'cli.js'), 'analyze', '-', '--format', 'json'], {
      input: readFileSync(file),
    });
    expect(piped.status).toBe(0);
    expect(strip(piped.stdout.toString())).toEqual(strip(utf8.stdout));
  }, 30_000);

  test('--out writes the JSON, markdown and HTML reports and the charts, from the bundled CLI', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bca-out-')), 'report');
    const r = spawnSync(
      process.execPath,
      [
        join(rootDir, 'dist', 'cli.js'),
        'analyze',
        fixture('recorded', 'node-app-edit.rawjson'),
        '--dockerfile',
        nodeDockerfile,
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toMatch(/wrote \d+ files to .*report \(open .*report\.html\)/);
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).steps.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('Stage');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    for (const id of ['stage-time', 'cache', 'waterfall']) {
      expect(readFileSync(join(out, 'charts', `${id}.svg`), 'utf8')).toMatch(/^<svg/);
      expect(
        readFileSync(join(out, 'charts', `${id}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
  });

  test('text report of a complete build: exit 0, one line on stderr', async () => {
    const r = await cli(['analyze', editLog, '--dockerfile', nodeDockerfile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^BuildKit cache analysis of .*node-app-edit\.plain\.log \(plain, \d+ lines\)$/m);
    // The answer first: the step that re-ran, then why, then the verdict line.
    expect(r.stdout.split('\n')[1]).toMatch(/^`RUN mkdir -p dist .*` re-ran: /);
    expect(r.stdout).toMatch(/^✅ whole log read · 8 steps/m);
    expect(r.stdout).toMatch(/Stage build: 2 steps/);
    expect(r.stdout).toMatch(/Slowest re-run steps:/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('json of a failed build: exit 1, the report parses, stderr says why', async () => {
    const r = await cli(['analyze', failing, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, failed: true, complete: false });
    expect(r.stderr).toMatch(/^buildkit-cache-analytics: incomplete report: the build failed: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('markdown from stdin', async () => {
    const r = await cli(['analyze', '-', '--format', 'md'], readFileSync(editLog, 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## BuildKit cache analysis/);
    expect(r.stdout).toMatch(/\| `build` \| 2 \| 0 \| 2 \| 0 \| 0% \|/);
  });

  test.each([
    [['analyze'], /missing the log file/],
    [['build', 'x'], /unknown command 'build'/],
    [['analyze', editLog, '--format', 'html'], /'--format' must be text, md or json but got 'html'/],
    [['analyze', editLog, '--bogus'], /Unknown option '--bogus'/],
    [['analyze', '/nonexistent/build.log'], /cannot read '\/nonexistent\/build\.log'/],
    [['analyze', editLog, '--dockerfile', '/nonexistent/Dockerfile'], /cannot read the Dockerfile/],
  ])('usage error %#: exit 2, one line', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  test('input that holds no BuildKit progress: exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bca-'));
    writeFileSync(join(dir, 'empty.log'), '');
    const r = await cli(['analyze', join(dir, 'empty.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no BuildKit progress found/);
  });
});

describe('dist/cli.js', () => {
  test('the bundled CLI runs as a program and reads stdin', () => {
    const r = spawnSync(process.execPath, [join(rootDir, 'dist', 'cli.js'), 'analyze', '-', '--format', 'json'], {
      input: readFileSync(failing),
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).steps).toHaveLength(11);
  });
});
