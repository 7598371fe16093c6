import { createParser, parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { listFixtures, readFixture } from '../support/fixtures.js';

function report(log: string) {
  return buildReport(parseText(log, 'plain'));
}

function statuses(log: string): Record<string, string> {
  return Object.fromEntries(report(log).steps.map((s) => [s.id, s.status]));
}

describe('PlainParser', () => {
  test('a resumed vertex keeps its first name and its last ending', () => {
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#1 DONE 0.0s',
      '',
      '#2 [2/3] RUN make',
      '#2 0.100 building',
      '#2 ...',
      '',
      '#3 [auth] library/node:pull token for registry-1.docker.io',
      '#3 DONE 0.0s',
      '',
      '#2 [2/3] RUN make',
      '#2 1.500 done building',
      '#2 DONE 2.5s',
      '',
      '#2 [2/3] RUN make',
      '#2 DONE 3.0s',
      '',
    ].join('\n');
    const r = report(log);
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]).toMatchObject({
      id: '(default)#2',
      status: 'ran',
      seconds: 3,
      logTail: ['building', 'done building'],
    });
    expect(r.complete).toBe(true);
  });

  test('CACHED is a status, never a time; a 0.0 s step ran', () => {
    const log =
      '#1 [1/3] FROM docker.io/library/alpine\n#1 DONE 0.0s\n\n#2 [2/3] WORKDIR /a\n#2 CACHED\n\n#3 [3/3] RUN true\n#3 DONE 0.0s\n';
    expect(statuses(log)).toEqual({ '(default)#1': 'source', '(default)#2': 'cached', '(default)#3': 'ran' });
  });

  test.each([
    ['[api builder 2/5] RUN x', { target: 'api', platform: null, stage: 'builder', index: 2 }],
    ['[api linux/amd64 builder 2/5] RUN x', { target: 'api', platform: 'linux/amd64', stage: 'builder', index: 2 }],
    ['[linux/arm/v7 stage-1 3/4] COPY . .', { target: null, platform: 'linux/arm/v7', stage: 'stage-1', index: 3 }],
    ['[api 1/5] RUN x', { target: 'api', platform: null, stage: null, index: 1 }],
    ['[stage-0  7/24] RUN x', { target: null, platform: null, stage: 'stage-0', index: 7 }],
  ])('label %s', (name, expected) => {
    // `[api internal]` reveals `api` as a bake target, so `[api 1/5]` is target api, not a stage.
    const log = `#1 [api internal] load build definition from Dockerfile\n#1 DONE 0.0s\n\n#2 ${name}\n#2 DONE 1.0s\n`;
    expect(report(log).steps[0]).toMatchObject(expected);
  });

  test('GitHub Actions timestamps are stripped and give the wall clock', () => {
    const log = [
      '2024-05-02T10:00:00.0000000Z #1 [1/2] FROM docker.io/library/alpine',
      '2024-05-02T10:00:00.5000000Z #1 DONE 0.5s',
      '2024-05-02T10:00:00.5000000Z ',
      '2024-05-02T10:00:01.0000000Z #2 [2/2] RUN sleep 9',
      '2024-05-02T10:00:10.0000000Z #2 DONE 9.0s',
    ].join('\n');
    const r = report(log);
    expect(r.steps.map((s) => s.status)).toEqual(['source', 'ran']);
    expect(r.totals.wallSeconds).toBe(10);
    expect(r.totals.shareBasis).toBe('wall');
    expect(r.steps[1].share).toBeCloseTo(0.9);
  });

  test('timestamps that step back (lines of a job log out of order): the wall clock is earliest to latest', () => {
    const log = [
      '2024-05-02T10:00:01.0000000Z #1 [1/2] FROM docker.io/library/alpine',
      '2024-05-02T10:00:00.0000000Z #1 DONE 0.5s',
      '2024-05-02T10:00:04.0000000Z ',
      '2024-05-02T10:00:05.0000000Z #2 [2/2] RUN make',
      '2024-05-02T10:00:03.0000000Z #2 DONE 2.0s',
    ].join('\n');
    const r = report(log);
    expect(r.totals.wallSeconds).toBe(5);
    expect(r.steps[1].share).toBeCloseTo(0.4);
  });

  test('a time, size or step number too big to be real (a corrupt line) reads as none, never as Infinity', () => {
    const huge = '9'.repeat(400);
    const r = report(
      [
        '#1 [internal] load build context',
        `#1 transferring context: ${huge}B done`,
        '#1 DONE 0.1s',
        '',
        `#2 [a ${huge}/3] RUN x`,
        '#2 DONE 1.0s',
        '',
        '#3 [a 3/3] RUN y',
        `#3 DONE ${huge}s`,
        '',
        '#4 [a 1/3] RUN z',
        '#4 DONE 10000000000.0s',
      ].join('\n'),
    );
    expect(r.totals.contextBytes).toBeNull();
    expect(r.steps.map((s) => [s.id, s.index, s.seconds])).toEqual([
      ['a:RUN x', null, 1],
      ['a#3', 3, null],
      ['a#1', 1, null],
    ]);
    expect(r.totals.stepSeconds).toBe(1.1);
  });

  test("a step's share divides by the unrounded total: it never exceeds 1", () => {
    const r = report('#1 [1/1] RUN x\n#1 DONE 1.0004s\n');
    expect(r.totals.stepSeconds).toBe(1);
    expect(r.steps[0].share).toBe(1);
  });

  test('CR progress stays inside one log line; ANSI codes are removed', () => {
    const log =
      '#5 [2/2] RUN apt-get install\r\n#5 1.0 (Reading 5%\r(Reading 100%\r\n#5 2.0 \u001b[1;32mok\u001b[0m\n#5 DONE 2.1s\n';
    expect(report(log).steps[0].logTail).toEqual(['(Reading 5%\r(Reading 100%', 'ok']);
  });

  test('the log tail: the last 20 lines in order (a failed step), the last 5 of a step that ended well', () => {
    const lines = (n: number, v: number, from = 1) =>
      Array.from({ length: n }, (_, i) => `#${v} ${(i / 10).toFixed(1)} line ${from + i}`);
    const log = [
      '#1 [1/3] RUN make',
      ...lines(47, 1),
      '#1 ...',
      '',
      '#2 [2/3] RUN test',
      ...lines(3, 2),
      '#2 ERROR: exit code 1',
      '',
      '#1 [1/3] RUN make',
      ...lines(6, 1, 48),
      '#1 DONE 5.0s',
      '',
      '#3 [3/3] RUN lint',
      ...lines(33, 3),
      '#3 ERROR: exit code 2',
      '',
    ].join('\n');
    const tails = Object.fromEntries(report(log).steps.map((s) => [s.index, s.logTail]));
    const expected = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
    expect(tails).toEqual({ 1: expected(49, 53), 2: expected(1, 3), 3: expected(14, 33) });
  });

  test('the warnings block after the progress replaces the inline WARN lines', () => {
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#1 WARN: JSONArgsRecommended: JSON arguments recommended (line 3)',
      '#1 DONE 0.0s',
      '',
      ' \u001b[33m2 warnings found (use docker --debug to expand):',
      '\u001b[0m - JSONArgsRecommended: JSON arguments recommended (line 3)',
      ' - FromAsCasing: mismatch (line 1)',
    ].join('\n');
    expect(report(log).warnings).toEqual([
      { message: 'JSONArgsRecommended: JSON arguments recommended (line 3)', line: 3, stepId: null },
      { message: 'FromAsCasing: mismatch (line 1)', line: 1, stepId: null },
    ]);
  });

  test('a log cut inside a running step is incomplete and the step unfinished', () => {
    const log = '#1 [1/2] FROM docker.io/library/alpine\n#1 DONE 0.1s\n\n#2 [2/2] RUN make\n#2 3.0 compiling';
    const r = report(log);
    expect(r.steps[1].status).toBe('unfinished');
    expect(r.complete).toBe(false);
    expect(r.incompleteReasons.join()).toMatch(/cut/);
  });

  test('an error step gets its error, the final ERROR line fails the build', () => {
    const log = [
      '#4 [2/2] RUN exit 3',
      '#4 0.2 oops',
      '#4 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3',
      '------',
      ' > [2/2] RUN exit 3:',
      '0.2 oops',
      '------',
      'Dockerfile:2',
      '--------------------',
      '   2 | >>> RUN exit 3',
      '--------------------',
      'ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3',
    ].join('\n');
    const r = report(log);
    expect(r.failed).toBe(true);
    expect(r.steps[0]).toMatchObject({ status: 'error', logTail: ['oops'] });
    expect(r.steps[0].error).toMatch(/exit code: 3/);
    expect(r.errors).toEqual([
      'failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3',
    ]);
    expect(r.problems).toEqual([]);
  });

  // Copies and some log stores drop empty lines; BuildKit's blank line before each header is then gone.
  const realLogs = [
    ...listFixtures('corpus', '.log').map((f) => ['corpus', f]),
    ...listFixtures('recorded', '.plain.log').map((f) => ['recorded', f]),
  ];
  test.each(realLogs)('%s/%s without its blank lines gives the same report', (dir, file) => {
    const text = readFixture(dir, file);
    // A blank line, or one that is only a GitHub Actions timestamp (a download's blank line).
    const blank = (l: string) => l.trim() === '' || /^\d{4}-\d\d-\d\dT[\d:.]+Z\s*$/.test(l);
    const stripped =
      text
        .split('\n')
        .filter((l) => !blank(l))
        .join('\n') + (text.endsWith('\n') ? '\n' : '');
    expect(stripped.length).toBeLessThanOrEqual(text.length); // some real logs have no blank line at all
    const whole = report(text);
    expect(parseText(text, 'plain').vertices.length).toBeGreaterThan(0);
    // The source block counts lines; everything else must match.
    const stable = (r: ReturnType<typeof report>) => ({ ...r, source: null, generatedAt: null });
    expect(stable(report(stripped))).toEqual(stable(whole));
  });

  test('without blank lines, a vertex the printer returns to keeps its one step and its logs', () => {
    const log = [
      '#1 [1/3] FROM docker.io/library/alpine',
      '#1 DONE 0.1s',
      '#2 [2/3] RUN make',
      '#2 0.100 building',
      '#3 [3/3] RUN make test',
      '#3 0.200 testing',
      '#2 [2/3] RUN make',
      '#2 1.500 built',
      '#2 DONE 2.5s',
      '#3 DONE 3.0s',
    ].join('\n');
    const r = report(log);
    expect(r.steps.map((s) => [s.id, s.status, s.seconds, s.logTail])).toEqual([
      ['(default)#1', 'source', 0.1, []],
      ['(default)#2', 'ran', 2.5, ['building', 'built']],
      ['(default)#3', 'ran', 3, ['testing']],
    ]);
    expect(r.problems).toEqual([]);
  });

  test.each(realLogs)(
    '%s/%s read as bytes in chunks of 1 MiB, 64 KiB and 777 bytes gives the parse of its text',
    (dir, file) => {
      // Bytes take the hot path where they lie (the log lines, never decoded); text takes the decoded path. A real
      // log, its runner's timestamps taken off and put back (a log whose chunks the byte path declines) and a
      // long one of both: every way in gives the same parse.
      const text = readFixture(dir, file);
      const stamped = text
        .split('\n')
        .map((l, i) => `2024-05-02T10:11:${String(10 + (i % 40)).padStart(2, '0')}.1234567Z ${l}`)
        .join('\n');
      const long = `${stamped}\n${text.repeat(Math.ceil(200_000 / Math.max(text.length, 1)))}`;
      for (const log of [text, stamped, long]) {
        const bytes = Buffer.from(log);
        const fromText = parseText(log, 'plain');
        for (const size of [1 << 20, 1 << 16, 777]) {
          const parser = createParser('plain');
          for (let at = 0; at < bytes.length; at += size) parser.push(bytes.subarray(at, at + size));
          expect(parser.end()).toEqual(fromText);
        }
      }
    },
  );

  test('timestamped lines (read as text once the byte path declines them), then 17 MiB of log lines: the parse of its text', () => {
    const stamped = Array.from(
      { length: 3000 },
      (_, i) => `2024-05-02T10:11:12.1234567Z #${1 + (i % 3)} ${(i / 100).toFixed(3)} line ${i}`,
    );
    const head = ['#1 [1/3] FROM alpine', '#1 DONE 0.1s', '', '#2 [2/3] RUN make', '', '#3 [3/3] RUN test'].join('\n');
    const body = Array.from({ length: 600_000 }, (_, i) => `#${2 + (i % 2)} ${(i / 1000).toFixed(3)} output line ${i}`);
    const log = `${head}\n${stamped.join('\n')}\n${body.join('\n')}\n#2 DONE 9.0s\n#3 DONE 9.5s\n`;
    const bytes = Buffer.from(log);
    expect(bytes.length).toBeGreaterThan(17 << 20);
    const parser = createParser('plain');
    for (let at = 0; at < bytes.length; at += 1 << 16) parser.push(bytes.subarray(at, at + (1 << 16)));
    const fromBytes = parser.end();
    expect(fromBytes).toEqual(parseText(log, 'plain'));
    expect(fromBytes.vertices.map((v) => [v.key, v.logLines, v.elapsedSeconds])).toEqual([
      ['#1', 1000, 29.97],
      ['#2', 301000, 599.998],
      ['#3', 301000, 599.999],
    ]);
  });

  test('a log line over 1 MiB inside one chunk of bytes is cut as in text, and the lines around it are read', () => {
    const log = `#1 [1/2] RUN make\n#1 0.100 ${'a'.repeat(3 << 20)}\n#1 0.200 ok\n#1 DONE 1.0s\n`;
    const parser = createParser('plain');
    parser.push(Buffer.from(log));
    const fromBytes = parser.end();
    expect(fromBytes).toEqual(parseText(log, 'plain'));
    expect(fromBytes.problems.map((p) => p.message)).toEqual(['line is longer than 1 MiB; only its start was read']);
    expect(fromBytes.vertices[0].logLines).toBe(2);
    expect(fromBytes.vertices[0].logTail.at(-1)).toBe('ok');
  });

  test('bytes given as a bare Uint8Array view parse as a Buffer does', () => {
    const text = readFixture('corpus', listFixtures('corpus', '.log')[0]);
    const bytes = Buffer.from(text);
    const parser = createParser('plain');
    for (let at = 0; at < bytes.length; at += 1000) {
      const piece = bytes.subarray(at, at + 1000);
      parser.push(new Uint8Array(piece.buffer, piece.byteOffset, piece.length));
    }
    expect(parser.end()).toEqual(parseText(text, 'plain'));
  });
});
