// 11. Smaller holes of the CLI and the rawjson reader: a missing @file, a closed pipe, --out into a folder
// that holds other things, and valid-JSON junk in a rawjson log.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { cli } from '../support/cli.js';
import { fixture, rootDir } from '../support/fixtures.js';

// Starts the bundled CLI as a process.
jest.setTimeout(60_000);

const log = fixture('recorded', 'node-app-edit.plain.log');

test('--changed-files @missing: exit 2 with one clear line, no raw ENOENT', async () => {
  const r = await cli(['analyze', log, '--changed-files', '@/nonexistent/changes.txt']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    "buildkit-cache-analytics: '--changed-files' names '@/nonexistent/changes.txt', which cannot be read (no such file)\n",
  );
});

describe('--out', () => {
  test.each(['/', join(rootDir, 'src')])('%s holds other files: refused before anything is written', async (dir) => {
    const before = readdirSync(dir);
    const r = await cli(['analyze', log, '--out', dir, '--no-charts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'--out' names '.*', which holds \d+ file\(s\) other than an earlier report/);
    expect(readdirSync(dir)).toEqual(before);
  });

  test('a new folder, an empty one, and one holding an earlier report are written', async () => {
    const base = mkdtempSync(join(tmpdir(), 'bca-out-'));
    mkdirSync(join(base, 'empty'));
    for (const dir of [join(base, 'new'), join(base, 'empty'), join(base, 'new')]) {
      const r = await cli(['analyze', log, '--out', dir, '--no-charts']);
      expect([dir, r.code]).toEqual([dir, 0]);
      expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    }
  });
});

test('output piped into a reader that stops (| head): exit quietly, no EPIPE trace', async () => {
  const child = spawn(process.execPath, [join(rootDir, 'dist', 'cli.js'), 'analyze', log, '--format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // Read one chunk, then close the pipe, as `head -c 1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(stderr).not.toMatch(/EPIPE|Error|at /);
  expect(code).toBe(0);
});

test.each([
  ['an object with no progress field', '{"hello":"world"}'],
  ['an array', '[1,2,3]'],
  ['a number', '42'],
  ['a string', '"text"'],
])('rawjson: %s is a problem, and the report says it is incomplete', (_, junk) => {
  const rawjson = fixture('recorded', 'node-app-edit.rawjson');
  const text = readFileSync(rawjson, 'utf8');
  const lines = text.split('\n');
  lines.splice(3, 0, junk);
  const parsed = parseText(lines.join('\n'));
  expect(parsed.problems).toEqual([{ line: 4, message: 'not a progress record' }]);
  const report = buildReport(parsed, { file: 'x.rawjson', dockerfile: null });
  expect(report.complete).toBe(false);
  expect(report.incompleteReasons).toEqual(['1 problem(s) reading the input, e.g. not a progress record']);
});
