import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { parseText, createParser } from '../../src/progress/index.js';
import { stripAnsi } from '../../src/progress/text.js';
import { LOG_LINE_CHARS, LOG_TAIL_LINES, LOG_TAIL_LINES_DONE } from '../../src/progress/vertex-store.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { fuzzParams, jestTimeout } from '../fuzz/arbitraries.js';

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

describe('log records are held and read together (only a tail is kept)', () => {
  // The parser holds a vertex's log bytes and reads them a few tails' worth at a time; a reference that reads every
  // record as it comes (the whole stream decoded, each line pushed to a tail of 20, 5 kept when the step ends well)
  // must see the same lines and the same count, however the records cut the bytes.
  const shown = (l: string) => {
    const s = stripAnsi(l.endsWith('\r') ? l.slice(0, -1) : l);
    return s.length > LOG_LINE_CHARS ? `${s.slice(0, LOG_LINE_CHARS)}…` : s;
  };
  function reference(records: Buffer[], ends: number | null, outcome: 'done' | 'cached' | 'error') {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let tail: string[] = [];
    let count = 0;
    const add = (l: string) => {
      count++;
      tail.push(shown(l));
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    };
    const settle = () => {
      if (outcome !== 'error') tail = tail.slice(-LOG_TAIL_LINES_DONE);
    };
    records.forEach((r, i) => {
      if (i === ends) settle();
      const parts = (carry + decoder.write(r)).split('\n');
      carry = parts.pop()!.slice(0, 1 << 16);
      parts.forEach(add);
    });
    if (ends === records.length) settle();
    const rest = carry + decoder.end();
    if (rest) add(rest);
    return { logLines: count, logTail: tail };
  }

  const lineArb = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.string({ maxLength: 30 }).map((s) => s.replaceAll('\n', '.').replaceAll('\u001b', '.')),
    },
    { weight: 4, arbitrary: fc.constantFrom('héllo wörld ✓', '😀 done', 'progress 50%\r', '', '   ') },
    { weight: 2, arbitrary: fc.constantFrom('\u001b[31mred\u001b[0m text', '\u001b[1mbold') },
    { weight: 2, arbitrary: fc.integer({ min: 900, max: 1100 }).map((n) => 'é'.repeat(n)) },
    // Past what is held, and past the 64 K characters kept of a line not finished yet: its start is what shows.
    { weight: 1, arbitrary: fc.constant(`start ${'x'.repeat(70_000)}`) },
  );
  const streamArb = fc
    .record({
      // Long enough for several reads of what is held (a few tails' worth each).
      lines: fc.array(lineArb, { maxLength: 300, size: 'max' }),
      finished: fc.boolean(),
      cuts: fc.array(fc.nat(), { maxLength: 60, size: 'max' }),
      ends: fc.option(fc.nat(), { nil: null }),
      outcome: fc.constantFrom('done' as const, 'cached' as const, 'error' as const),
      resent: fc.array(fc.nat(), { maxLength: 5 }),
      other: fc.boolean(),
    })
    .map(({ lines, finished, cuts, ends, outcome, resent, other }) => {
      const bytes = Buffer.from(lines.join('\n') + (finished ? '\n' : ''));
      // A record's JSON line stays under the 1 MiB a line may have (a longer one is skipped, and counted).
      const every = Array.from({ length: Math.floor(bytes.length / 500_000) }, (_, i) => (i + 1) * 500_000);
      const at = [...new Set([...cuts.map((c) => c % (bytes.length + 1)), ...every])].sort((a, b) => a - b);
      const records = [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i]));
      const n = records.length;
      return { records, ends: ends === null ? null : ends % (n + 1), outcome, resent: resent.map((r) => r % n), other };
    });

  const HELD_MS = 3000; // past it, fast-check stops with a success (a busy machine runs fewer cases)
  test(
    'the same tail and line count as reading every record as it comes',
    () => {
      fc.assert(
        fc.property(streamArb, ({ records, ends, outcome, resent, other }) => {
          const v = 'sha256:held';
          const started = { digest: v, name: '[1/1] RUN noisy', started: T(0) };
          const ended = {
            ...started,
            completed: T(1),
            ...(outcome === 'cached' ? { cached: true } : outcome === 'error' ? { error: 'exit code: 1' } : {}),
          };
          const out = [line({ vertexes: [started] })];
          records.forEach((r, i) => {
            if (i === ends) out.push(line({ vertexes: [ended] }));
            if (resent.includes(i)) out.push(line({ vertexes: [started] }));
            out.push(line({ logs: [{ vertex: v, data: r.toString('base64') }] }));
            if (other) out.push(line({ logs: [{ vertex: 'sha256:other', data: b64('other\n') }] }));
          });
          if (ends === records.length) out.push(line({ vertexes: [ended] }));
          const parsed = parseText(out.join('\n'));
          const got = parsed.vertices.find((x) => x.key === v)!;
          expect({ logLines: got.logLines, logTail: got.logTail }).toEqual(reference(records, ends, outcome));
        }),
        fuzzParams('rawjson held log records', 200, HELD_MS),
      );
    },
    jestTimeout(HELD_MS),
  );
});
