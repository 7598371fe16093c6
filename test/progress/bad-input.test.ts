// Bad input gets a clear message or a partial report marked incomplete: never a throw, never a hang.
import { readFileSync } from 'node:fs';
import { createParser, parseText } from '../../src/progress/index.js';
import { DETECT_LIMIT } from '../../src/progress/detect.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { fixture } from '../support/fixtures.js';

const npmLog = readFileSync(fixture('corpus', 'plain-multistage-npm-build-error.log'));
const rawLog = readFileSync(fixture('recorded', 'node-app-edit.rawjson'));

function analyse(input: string | Buffer) {
  return buildReport(parseText(input));
}

describe('bad input', () => {
  test('empty input: no progress, incomplete', () => {
    const r = analyse('');
    expect(r.steps).toEqual([]);
    expect(r.complete).toBe(false);
    expect(r.incompleteReasons).toContain('no BuildKit progress found in the input');
  });

  test('binary data: no steps, incomplete, nothing thrown', () => {
    const bytes = Buffer.alloc(256 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    const r = analyse(bytes);
    expect(r.steps).toEqual([]);
    expect(r.complete).toBe(false);
  });

  test('a plain log cut mid-line and mid-vertex keeps what was read and says it was cut', () => {
    const text = npmLog.toString('utf8');
    const cut = text.indexOf('#12 18.59') + 15; // inside `RUN npm ci`'s log
    const r = analyse(text.slice(0, cut));
    expect(r.complete).toBe(false);
    expect(r.steps.find((s) => s.id === 'deps#6')?.status).toBe('unfinished');
    expect(r.steps.find((s) => s.id === 'deps#5')?.status).toBe('ran');
    expect(r.incompleteReasons.join()).toMatch(/cut/);
  });

  test('a rawjson log cut mid-line: the half record is a problem, the rest is kept', () => {
    const text = rawLog.toString('utf8');
    const r = analyse(text.slice(0, Math.floor(text.length * 0.8)));
    expect(r.source.format).toBe('rawjson');
    expect(r.complete).toBe(false);
    expect(r.steps.length).toBeGreaterThan(0);
  });

  test('a 10 MB single line is cut, reported, and does not stop the parse', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const text = npmLog
      .toString('utf8')
      .replace('#5 [internal] load build context', `${huge}\n\n#5 [internal] load build context`);
    const r = analyse(text);
    expect(r.problems[0].message).toMatch(/longer than 1 MiB/);
    expect(r.complete).toBe(false);
    expect(r.steps.filter((s) => s.status === 'ran')).toHaveLength(7);
  });

  test('a 10 MB single line of rawjson is skipped as unreadable', () => {
    const text = `${rawLog.toString('utf8')}\n{"logs":[{"vertex":"x","data":"${'A'.repeat(10 * 1024 * 1024)}"}]}\n`;
    const r = analyse(text);
    expect(r.problems.map((p) => p.message)).toContain('line is longer than 1 MiB; skipped');
    expect(r.steps.length).toBeGreaterThan(0);
  });

  test('interleaved garbage between blocks: each line is a problem, the steps are intact', () => {
    const text = npmLog.toString('utf8').replace(/\n\n/g, '\n\n\u0000\u0001garbage <img src=x>\n\n');
    const r = analyse(text);
    const clean = analyse(npmLog);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual(clean.steps.map((s) => [s.id, s.status]));
    expect(r.complete).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0].message).toMatch(/^not BuildKit progress: /);
  });

  test('garbage inside rawjson: bad lines are problems, good lines still count', () => {
    const lines = rawLog.toString('utf8').split('\n');
    const mixed = lines.flatMap((l, i) => (i % 3 === 0 ? [l, '{"vertexes": [', '[1,2,3]'] : [l])).join('\n');
    const r = analyse(mixed);
    const clean = analyse(rawLog);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual(clean.steps.map((s) => [s.id, s.status]));
    expect(r.problems.length).toBeGreaterThan(0);
  });

  test('a first telling line past the detection limit is never read, whether the log comes whole or in chunks', () => {
    const firstLine = rawLog.indexOf('\n') + 1;
    // Blank lines, then the log: its first record ends on the last byte read, or on the next one.
    for (const [blank, format] of [
      [DETECT_LIMIT - firstLine, 'rawjson'],
      [DETECT_LIMIT - firstLine + 1, 'plain'],
    ] as const) {
      const input = Buffer.concat([Buffer.from('\n'.repeat(blank)), rawLog]);
      const whole = parseText(input);
      const parser = createParser();
      for (let i = 0; i < input.length; i += 1 << 16) parser.push(input.subarray(i, i + (1 << 16)));
      expect(whole.format).toBe(format);
      expect(parser.end()).toEqual(whole);
    }
  });

  test('fed one byte at a time, a real log parses the same as whole', () => {
    const parser = createParser();
    for (let i = 0; i < npmLog.length; i++) parser.push(npmLog.subarray(i, i + 1));
    const now = new Date(0);
    expect(buildReport(parser.end(), { now })).toEqual(buildReport(parseText(npmLog), { now }));
  });
});
