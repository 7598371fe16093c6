// Fuzz and property tests of the plain progress parser (issue 7, item 2): real logs cut, shuffled,
// duplicated, thinned, salted with bad bytes, garbage and huge lines, then fed whole and in chunks.
// Nothing may escape push/end/buildReport/analyzeBuild, no case may hang, every report keeps its
// invariants (see checkReport), and the report never depends on how the input was chunked.
import fc from 'fast-check';
import { buildReport } from '../../src/pipeline/build-report.js';
import {
  FIXED_NOW,
  PLAIN_LOGS,
  REPRO,
  bounded,
  checkReport,
  chunk,
  fuzzParams,
  jestTimeout,
  mutate,
  parseChunks,
  preamble,
  preambleArb,
  plainLineArb,
  runPipeline,
  withTimestamps,
  type Mutation,
} from './arbitraries.js';
import { mutationProperties, noThrow } from './mutation-properties.js';

const logArb = fc.constantFrom(...PLAIN_LOGS);
/**
 * Logs of one build: in a log holding two builds (numbered from #1 each), blocks shuffled across them cannot be
 * told apart, so the vertex count of such a log is no invariant of block order.
 */
const singleBuildArb = fc.constantFrom(
  ...PLAIN_LOGS.filter((l) => !parseChunks([l.bytes], 'plain').vertices.some((v) => v.key.includes('@'))),
);
const formatArb = fc.constantFrom('plain' as const, undefined); // given, or detected

/** The log with its `at`-th vertex block (text between blank lines) printed `times` more times. */
function dupBlock(bytes: Buffer, at: number, times: number): Buffer {
  const blocks = bytes.toString('utf8').split('\n\n');
  const i = at % blocks.length;
  return Buffer.from(
    [...blocks.slice(0, i + 1), ...Array<string>(times).fill(blocks[i]), ...blocks.slice(i + 1)].join('\n\n'),
  );
}

describe('plain parser', () => {
  const T = 1000; // time bound of each property (ms): past it, fast-check stops with a success

  mutationProperties({
    format: 'plain',
    cutInside: 'UTF-8 characters too',
    shapeTitle: 'vertex blocks reordered, lines duplicated and dropped',
    maxSwaps: 12,
    garbage: {
      title: 'interleaved garbage and plausible-but-wrong lines',
      line: fc.oneof(plainLineArb, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 })),
    },
    synthetic: {
      title: 'synthetic logs of plausible lines only',
      log: fc
        .tuple(fc.array(plainLineArb, { maxLength: 60 }), fc.boolean())
        .map(([lines, blanks]) => lines.join(blanks ? '\n\n' : '\n')),
    },
    printedAgain: { what: 'a vertex block', print: dupBlock },
    timeMs: T,
  });

  test(
    'GitHub Actions timestamps (rising, equal or going back), then mutated: no throw, times stay non-negative',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          logArb,
          fc.integer({ min: 0, max: 4e12 }),
          fc.array(fc.integer({ min: -5000, max: 60000 }), { minLength: 1, maxLength: 8 }),
          fc.array(
            fc.record({
              kind: fc.constant('swap' as const),
              swaps: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
            }),
            { maxLength: 1 },
          ),
          async (log, start, steps, ms) => {
            await noThrow(mutate(withTimestamps(log.bytes, start, steps), ms, 'blocks'), undefined, log.dockerfile);
          },
        ),
        fuzzParams('plain timestamps', 60, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'random bytes and random text: no throw, invariants hold',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 8192 }),
            fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => Buffer.from(s)),
            fc.string({ unit: 'grapheme', maxLength: 2000 }).map((s) => Buffer.from(s)),
          ),
          formatArb,
          async (bytes, format) => noThrow(bytes, format, null),
        ),
        fuzzParams('plain random', 200, T),
      );
    },
    jestTimeout(T),
  );

  test.each(['x', 'é', '€😀', '\u001b[31mred\u001b[0m', '#5 0.1 ', '\r'])(
    'a 10 MB line of %j anywhere, fed in random chunks: no throw, the report is incomplete',
    async (fill) => {
      await fc.assert(
        fc.asyncProperty(
          logArb,
          fc.nat(),
          fc.boolean(),
          fc.integer({ min: 4096, max: 3 << 20 }),
          async (log, at, newline, size) => {
            const lines = log.bytes.toString('latin1').split('\n');
            const huge = fill.repeat(Math.ceil((10 << 20) / Buffer.byteLength(fill)));
            const i = at % (lines.length + 1);
            const input = Buffer.concat([
              Buffer.from(lines.slice(0, i).join('\n') + (i ? '\n' : ''), 'latin1'),
              Buffer.from(huge),
              Buffer.from((newline ? '\n' : '') + lines.slice(i).join('\n'), 'latin1'),
            ]);
            const report = await bounded('10 MB line', () =>
              runPipeline(chunk(input, [size]), 'plain', log.dockerfile),
            );
            expect(report.complete).toBe(false);
          },
        ),
        fuzzParams(`plain huge line ${fill}`, 1, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'chunking invariance after a preamble (blank, banner, ANSI, JSON lines or one long line) of up to 3 MiB, across the detection limit: same report, plain',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...PLAIN_LOGS),
          preambleArb,
          fc.constantFrom(4096, 1 << 16, 1 << 20, 3 << 19),
          async (log, pre, size) => {
            const input = Buffer.concat([preamble(pre), log.bytes]);
            const whole = buildReport(parseChunks([input]), { now: FIXED_NOW });
            expect(whole.source.format).toBe('plain');
            const chunked = buildReport(parseChunks(chunk(input, [size])), { now: FIXED_NOW });
            expect(chunked).toEqual(whole);
          },
        ),
        fuzzParams('plain preamble', 5, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'vertex blocks in any order: no vertex is lost, invariants hold',
    () => {
      fc.assert(
        fc.property(singleBuildArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }), (log, swaps) => {
          const m: Mutation = { kind: 'swap', swaps };
          const shuffled = parseChunks([mutate(log.bytes, [m], 'blocks')], 'plain');
          checkReport(buildReport(shuffled, { now: FIXED_NOW }));
          expect(shuffled.vertices.length).toBe(parseChunks([log.bytes], 'plain').vertices.length);
        }),
        fuzzParams('plain block order', 60, T),
      );
    },
    jestTimeout(T),
  );

  test('numbers past any real one (step count, times): no throw, invariants hold', async () => {
    await noThrow(
      Buffer.from('#1 [1/99999999999999999999] RUN x\n#1 DONE 1e308s\n#1 DONE 99999999999999999999999.9s\n'),
      undefined,
      null,
    );
  });

  // Regressions the properties above found, as minimal cases.

  test('timestamps that step back: the wall clock spans the earliest to the latest', () => {
    // '2024-05-02T10:11:12.124Z #0 x' then '2024-05-02T10:11:12.123Z #0 x'
    const report = buildReport(parseChunks([REPRO.plainTimestampsGoingBack], 'plain'), { now: FIXED_NOW });
    expect(report.totals.wallSeconds).toBe(0.001);
  });

  test('400-digit numbers (Infinity as doubles) are no time, size or step index', () => {
    const done = buildReport(parseChunks([REPRO.plainInfiniteDone], 'plain'), { now: FIXED_NOW });
    const size = buildReport(parseChunks([REPRO.plainInfiniteSize], 'plain'), { now: FIXED_NOW });
    const index = buildReport(parseChunks([REPRO.plainInfiniteIndex], 'plain'), { now: FIXED_NOW });
    expect({
      seconds: done.steps[0].seconds,
      share: done.steps[0].share,
      stepSeconds: done.totals.stepSeconds,
      contextBytes: size.totals.contextBytes,
      index: index.steps[0].index,
    }).toEqual({ seconds: null, share: null, stepSeconds: 0, contextBytes: null, index: null });
  });
});
