// Fuzz and property tests of the rawjson progress parser (issue 7, item 2): real `--progress=rawjson`
// recordings cut, reordered, duplicated, thinned, salted with bad bytes and garbage, generated
// SolveStatus records, deeply nested and huge JSON lines, then fed whole and in chunks. Nothing may
// escape push/end/buildReport/analyzeBuild, no case may hang, every report keeps its invariants,
// and the report never depends on how the input was chunked.
import fc from 'fast-check';
import { buildReport } from '../../src/pipeline/build-report.js';
import { DETECT_LIMIT } from '../../src/progress/detect.js';
import {
  FIXED_NOW,
  RAWJSON_LOGS,
  REPRO,
  bounded,
  chunk,
  fuzzParams,
  jestTimeout,
  mutate,
  parseChunks,
  preamble,
  preambleArb,
  rawRecordArb,
  runPipeline,
  shown,
} from './arbitraries.js';
import { mutationProperties, noThrow } from './mutation-properties.js';

const logArb = fc.constantFrom(...RAWJSON_LOGS);
const formatArb = fc.constantFrom('rawjson' as const, undefined); // given, or detected

describe('rawjson parser', () => {
  const T = 1000; // time bound of each property (ms): past it, fast-check stops with a success

  mutationProperties({
    format: 'rawjson',
    cutInside: 'JSON strings and UTF-8 characters',
    shapeTitle: 'records reordered, duplicated and dropped',
    maxSwaps: 20,
    garbage: {
      title: 'generated SolveStatus records and garbage interleaved with a real log',
      line: fc.oneof(
        { weight: 4, arbitrary: rawRecordArb },
        { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
        { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('ERROR: failed to solve: boom', 'WARNING: x (line 2)', '[1,2]', 'null', '{}'),
        },
      ),
    },
    synthetic: {
      title: 'logs made only of generated records',
      log: fc.array(rawRecordArb, { maxLength: 40 }).map((records) => records.join('\n')),
    },
    printedAgain: {
      what: 'a record',
      print: (bytes, at, times) => mutate(bytes, [{ kind: 'duplicate', at, count: 1, times }], 'lines'),
    },
    timeMs: T,
  });

  test(
    'random bytes and random JSON: no throw, invariants hold',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 8192 }),
            fc.array(fc.json({ maxDepth: 6 }), { maxLength: 20 }).map((l) => Buffer.from(l.join('\n'))),
            // any value where a record holds its lists, or in them
            fc.array(fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.boolean()), { minLength: 1, maxLength: 10 }).map((l) =>
              Buffer.from(
                l
                  .map(([v, listed]) => (listed ? [v] : v))
                  .map((v) => JSON.stringify({ vertexes: v, statuses: v, logs: v, warnings: v }))
                  .join('\n'),
              ),
            ),
          ),
          formatArb,
          async (bytes, format) => noThrow(shown(Buffer.from(bytes)), format, null),
        ),
        fuzzParams('rawjson random', 200, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'deeply nested JSON (100k `[` / `{`), closed or not, at any line: no throw, the steps are those of the clean log (unless, detected, it hides the first record from the detector)',
    async () => {
      const deepArb = fc
        .record({
          open: fc.constantFrom('[', '{"a":', '{"vertexes":[', '{"logs":[{"data":'),
          close: fc.constantFrom(']', '}', ']}', '}]}'),
          depth: fc.constantFrom(1000, 100_000, 'longest line read', 500_000),
          closed: fc.boolean(),
        })
        .map(({ open, close, depth, closed }) => {
          // 'longest line read': as deep as a line under MAX_LINE (1 MiB) gets, so JSON.parse sees it
          const unit = open.length + (closed ? close.length : 0);
          const n = typeof depth === 'number' ? depth : Math.floor(((1 << 20) - 8) / unit);
          return open.repeat(n) + (closed ? '0' + close.repeat(n) : '');
        });
      await fc.assert(
        fc.asyncProperty(logArb, fc.nat(), deepArb, formatArb, async (log, at, deep, format) => {
          const lines = log.bytes.toString('utf8').split('\n');
          const i = at % (lines.length + 1);
          lines.splice(i, 0, deep);
          const report = await bounded('deep JSON', () => runPipeline([Buffer.from(lines.join('\n'))], format, null));
          if (report.source.format === 'plain') {
            // Detected, not given: only a line of nearly 1 MiB before the first record hides it from the detector.
            expect(format === undefined && i === 0 && deep.length + lines[1].length + 2 > DETECT_LIMIT).toBe(true);
            return;
          }
          const clean = buildReport(parseChunks([log.bytes], 'rawjson'), { now: FIXED_NOW });
          expect(report.steps.map((s) => [s.id, s.status])).toEqual(clean.steps.map((s) => [s.id, s.status]));
        }),
        fuzzParams('rawjson deep', 6, T),
      );
    },
    jestTimeout(T),
  );

  const HUGE: Record<string, () => string> = {
    'a 10 MB log record': () => `{"logs":[{"vertex":"sha256:aaaa","data":"${'QUFB'.repeat((10 << 20) / 4)}"}]}`,
    'a record just under 1 MiB': () =>
      `{"logs":[{"vertex":"sha256:aaaa","data":"${'QUFB'.repeat(((1 << 20) - 100) / 4)}"}]}`,
    '20k vertices in one record': () =>
      `{"vertexes":[${Array.from({ length: 20_000 }, (_, i) => `{"digest":"sha256:${i}","name":"[s ${i + 1}/20000] RUN x","started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z"}`).join(',')}]}`,
    '20k statuses in one record': () =>
      `{"statuses":[${Array.from({ length: 20_000 }, (_, i) => `{"id":"layer ${i}","vertex":"sha256:aaaa","current":${i},"total":20000}`).join(',')}]}`,
    '12 MB of 3-byte characters': () => '€'.repeat(4 << 20),
  };

  test.each(Object.keys(HUGE))(
    'a huge line (%s) anywhere, fed in random chunks: no throw, steps kept',
    async (kind) => {
      const huge = HUGE[kind]();
      await fc.assert(
        fc.asyncProperty(logArb, fc.nat(), fc.integer({ min: 4096, max: 3 << 20 }), async (log, at, size) => {
          const lines = log.bytes.toString('utf8').split('\n');
          lines.splice(at % (lines.length + 1), 0, huge);
          const input = Buffer.from(lines.join('\n'));
          const report = await bounded('huge JSON line', () =>
            runPipeline(chunk(input, [size]), 'rawjson', log.dockerfile),
          );
          expect(report.steps.length).toBeGreaterThan(0);
        }),
        fuzzParams(`rawjson huge ${kind}`, 1, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'chunking invariance after a preamble (blank, banner, ANSI, JSON lines or one long line) of up to 3 MiB: same report, rawjson when the first record ends within the detection limit',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...RAWJSON_LOGS),
          preambleArb,
          fc.constantFrom(4096, 1 << 16, 1 << 20, 3 << 19),
          async (log, pre, size) => {
            const input = Buffer.concat([preamble(pre), log.bytes]);
            const whole = buildReport(parseChunks([input]), { now: FIXED_NOW });
            // The first record is read when its line ends within the first DETECT_LIMIT bytes.
            const firstLineEnd = input.length - log.bytes.length + log.bytes.indexOf(0x0a);
            expect(whole.source.format).toBe(firstLineEnd < DETECT_LIMIT ? 'rawjson' : 'plain');
            const chunked = buildReport(parseChunks(chunk(input, [size])), { now: FIXED_NOW });
            expect(chunked).toEqual(whole);
          },
        ),
        fuzzParams('rawjson preamble', 5, T),
      );
    },
    jestTimeout(T),
  );

  test('a record with every field of the wrong type: no throw, invariants hold', async () => {
    const record =
      '{"vertexes":[1,"x",null,{"digest":5,"name":[],"started":{},"completed":true,"cached":"yes","inputs":"a"}],"statuses":{},"logs":[{"vertex":"v","data":7}],"warnings":[{"short":1}]}\n';
    await noThrow(Buffer.from(record), undefined, null);
  });

  // Regressions the properties above found, as minimal cases.

  test('a telling line past the detection limit is not read, whatever the chunking: plain, like any log without one', () => {
    // 2 MiB of blank lines, then one rawjson record; pushed whole, and in 64 KiB chunks.
    const whole = parseChunks([REPRO.detectPreamble]);
    const chunked = parseChunks(chunk(REPRO.detectPreamble, [1 << 16]));
    expect([whole.format, chunked.format]).toEqual(['plain', 'plain']);
    expect(chunked).toEqual(whole);
  });
});
