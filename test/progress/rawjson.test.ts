import { parseText, createParser } from '../../src/progress/index.js';
import { buildReport } from '../../src/pipeline/build-report.js';

const T = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString().replace('.000Z', 'Z');
const line = (obj: unknown) => JSON.stringify(obj);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('RawJsonParser', () => {
  test('whole-vertex updates: the last one wins; intervals merge; wall clock from the span', () => {
    const d = 'sha256:aa';
    const log = [
      line({ vertexes: [{ digest: 'sha256:src', name: '[1/2] FROM docker.io/x', started: T(0), completed: T(1) }] }),
      line({ vertexes: [{ digest: d, inputs: ['sha256:src'], name: '[2/2] RUN make', started: T(1) }] }),
      line({
        vertexes: [{ digest: d, inputs: ['sha256:src'], name: '[2/2] RUN make', started: T(1), completed: T(3) }],
      }),
      // resumed: a second run interval, partly overlapping nothing
      line({ vertexes: [{ digest: d, inputs: ['sha256:src'], name: '[2/2] RUN make', started: T(5) }] }),
      line({
        vertexes: [{ digest: d, inputs: ['sha256:src'], name: '[2/2] RUN make', started: T(5), completed: T(6) }],
      }),
      'not json at all',
    ].join('\n');
    const parsed = parseText(log);
    expect(parsed.format).toBe('rawjson');
    const r = buildReport(parsed);
    expect(r.steps[1]).toMatchObject({ status: 'ran', seconds: 3, inputs: ['(default)#1'] });
    expect(r.totals.wallSeconds).toBe(6);
    expect(r.problems).toEqual([]);
  });

  test('cached, error and canceled vertices', () => {
    const log = [
      line({
        vertexes: [{ digest: 'sha256:1', name: '[a 1/3] WORKDIR /a', started: T(0), completed: T(0), cached: true }],
      }),
      line({
        vertexes: [
          {
            digest: 'sha256:2',
            name: '[a 2/3] RUN false',
            started: T(0),
            completed: T(1),
            error: 'process "/bin/sh -c false" did not complete successfully: exit code: 1',
          },
        ],
      }),
      line({
        vertexes: [
          {
            digest: 'sha256:3',
            name: '[b 2/2] RUN sleep 9',
            started: T(0),
            completed: T(1),
            error: 'context canceled',
          },
        ],
      }),
      'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
    ].join('\n');
    const r = buildReport(parseText(log));
    expect(r.steps.map((s) => s.status)).toEqual(['cached', 'error', 'canceled']);
    expect(r.failed).toBe(true);
    expect(r.errors[0]).toMatch(/^failed to solve/);
  });

  test('logs split anywhere, even inside a UTF-8 character, come out whole', () => {
    const text = Buffer.from('héllo wörld ✓\nsecond line\nthird');
    const cuts = [2, 3, 13, 15, 20];
    const pieces: Buffer[] = [];
    let at = 0;
    for (const cut of cuts) {
      pieces.push(text.subarray(at, cut));
      at = cut;
    }
    pieces.push(text.subarray(at));
    const v = 'sha256:log';
    const log = [
      line({ vertexes: [{ digest: v, name: '[1/1] RUN echo', started: T(0) }] }),
      ...pieces.map((p) => line({ logs: [{ vertex: v, stream: 1, data: b64(p), timestamp: T(0) }] })),
      line({ vertexes: [{ digest: v, name: '[1/1] RUN echo', started: T(0), completed: T(1) }] }),
    ].join('\n');
    expect(buildReport(parseText(log)).steps[0].logTail).toEqual(['héllo wörld ✓', 'second line', 'third']);
  });

  test('chunked input split mid-line parses like the whole', () => {
    const v = 'sha256:c';
    const log = [
      line({ vertexes: [{ digest: v, name: '[1/1] RUN echo', started: T(0) }] }),
      line({ logs: [{ vertex: v, data: b64('a\nb\n'), timestamp: T(0) }] }),
      line({ warnings: [{ vertex: v, level: 1, short: b64('UndefinedVar: x (line 4)') }] }),
      line({ vertexes: [{ digest: v, name: '[1/1] RUN echo', started: T(0), completed: T(2) }] }),
    ].join('\n');
    const whole = buildReport(parseText(log), { now: new Date(0) });
    const parser = createParser();
    for (let i = 0; i < log.length; i += 7) parser.push(log.slice(i, i + 7));
    expect(buildReport(parser.end(), { now: new Date(0) })).toEqual(whole);
    expect(whole.warnings).toEqual([{ message: 'UndefinedVar: x (line 4)', line: 4, stepId: '(default)#1' }]);
  });
});

test('a status size JSON reads as Infinity (`1e999`) is no size', () => {
  const v = 'sha256:ctx';
  const log = [
    line({ vertexes: [{ digest: v, name: '[internal] load build context', started: T(0), completed: T(1) }] }),
    '{"statuses":[{"id":"transferring context","vertex":"sha256:ctx","current":1e999,"total":1e999}]}',
  ].join('\n');
  const r = buildReport(parseText(log));
  expect(parseText(log).vertices[0].progress).toEqual([
    { id: 'transferring context', current: null, total: null, done: false, seconds: null },
  ]);
  expect(r.totals.contextBytes).toBeNull();
});

test('a big log record: every line counted, the last 20 kept, split records joined across the cut', () => {
  const v = 'sha256:big';
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ✓`);
  const text = `${lines.join('\n')}\n`;
  const cutAt = Buffer.from(text).length - 7; // the second record starts inside the last line
  const bytes = Buffer.from(text);
  const log = [
    line({ vertexes: [{ digest: v, name: '[1/1] RUN noisy', started: T(0) }] }),
    line({ logs: [{ vertex: v, data: b64('partial start ') }] }),
    line({ logs: [{ vertex: v, data: bytes.subarray(0, cutAt).toString('base64') }] }),
    line({ logs: [{ vertex: v, data: bytes.subarray(cutAt).toString('base64') }] }),
    line({ vertexes: [{ digest: v, name: '[1/1] RUN noisy', started: T(0), completed: T(1) }] }),
  ].join('\n');
  const parsed = parseText(log);
  expect(parsed.vertices[0].logLines).toBe(100);
  expect(parsed.vertices[0].logTail).toEqual(lines.slice(-5)); // a step that ended well keeps 5
});
