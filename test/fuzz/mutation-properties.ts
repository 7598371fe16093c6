// The properties both progress parsers share (cut, reshaped, salted, chunked anyhow): the same real-log
// mutations, told apart only by the unit they move (plain vertex blocks, rawjson records).
import fc from 'fast-check';
import { buildReport } from '../../src/pipeline/build-report.js';
import {
  PLAIN_LOGS,
  RAWJSON_LOGS,
  ansiArb,
  bounded,
  controlArb,
  dockerfileChoiceArb,
  dockerfileFor,
  fuzzParams,
  invalidUtf8Arb,
  chunk,
  chunkSizesArb,
  FIXED_NOW,
  jestTimeout,
  mutate,
  mutatedLogArb,
  parseChunks,
  runPipeline,
  type Mutation,
} from './arbitraries.js';

interface Spec {
  format: 'plain' | 'rawjson';
  /** What a cut may fall inside, and what the shape mutations move (test titles). */
  cutInside: string;
  shapeTitle: string;
  maxSwaps: number;
  /** Lines that look like the format's own (and garbage) put into a real log, and logs made only of such lines. */
  garbage: { title: string; line: fc.Arbitrary<string> };
  synthetic: { title: string; log: fc.Arbitrary<string> };
  /** What is printed again in the duplication property (its title), and how. */
  printedAgain: { what: string; print: (bytes: Buffer, at: number, times: number) => Buffer };
  /** Time bound of each property (ms): past it, fast-check stops with a success. */
  timeMs: number;
}

/** The whole pipeline on one input, bounded in time: it must neither throw nor hang. */
export async function noThrow(
  bytes: Uint8Array,
  format: 'plain' | 'rawjson' | undefined,
  df: { path: string; text: string } | null,
) {
  await bounded('parse + report + analysis', () => runPipeline([bytes], format, df));
}

/**
 * Registers the cut, shape, salt, combined, duplication and chunking properties for one format (call inside its
 * describe block).
 */
export function mutationProperties(spec: Spec): void {
  const { format, timeMs: T } = spec;
  const unit = format === 'plain' ? 'blocks' : 'lines';
  const logArb = fc.constantFrom(...(format === 'plain' ? PLAIN_LOGS : RAWJSON_LOGS));
  const formatArb = fc.constantFrom(format, undefined); // given, or detected

  test(
    `cut at any two bytes (inside ${spec.cutInside}): no throw, invariants hold`,
    async () => {
      await fc.assert(
        fc.asyncProperty(logArb, fc.nat(), fc.nat(), formatArb, dockerfileChoiceArb, async (log, a, b, fmt, dfc) => {
          const m: Mutation = { kind: 'cut', from: a, to: b };
          await noThrow(mutate(log.bytes, [m], unit), fmt, dockerfileFor(log, dfc));
        }),
        fuzzParams(`${format} cut`, 60, T),
      );
    },
    jestTimeout(T),
  );

  test(
    `${spec.shapeTitle}: no throw, invariants hold`,
    async () => {
      const shapeArb = fc.array(
        fc.oneof(
          fc.record({
            kind: fc.constant('swap' as const),
            swaps: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: spec.maxSwaps }),
          }),
          fc.record({
            kind: fc.constant('duplicate' as const),
            at: fc.nat(),
            count: fc.integer({ min: 1, max: 8 }),
            times: fc.integer({ min: 1, max: 3 }),
          }),
          fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
        ),
        { minLength: 1, maxLength: 6 },
      );
      await fc.assert(
        fc.asyncProperty(logArb, shapeArb, formatArb, dockerfileChoiceArb, async (log, ms, fmt, dfc) => {
          await noThrow(mutate(log.bytes, ms, unit), fmt, dockerfileFor(log, dfc));
        }),
        fuzzParams(`${format} shape`, 60, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'invalid UTF-8, control characters and ANSI sequences anywhere: no throw, invariants hold',
    async () => {
      const saltArb = fc.array(
        fc.record({
          kind: fc.constant('insert' as const),
          at: fc.nat(),
          bytes: fc.oneof(invalidUtf8Arb, controlArb, ansiArb),
        }),
        { minLength: 1, maxLength: 30 },
      );
      await fc.assert(
        fc.asyncProperty(logArb, saltArb, formatArb, async (log, ms, fmt) => {
          await noThrow(mutate(log.bytes, ms, unit), fmt, log.dockerfile);
        }),
        fuzzParams(`${format} salt`, 60, T),
      );
    },
    jestTimeout(T),
  );

  test(
    `${spec.garbage.title}: no throw, invariants hold`,
    async () => {
      const linesArb = fc.array(
        fc.record({
          kind: fc.constant('line' as const),
          at: fc.nat(),
          line: spec.garbage.line.map((l) => Buffer.from(l)),
        }),
        { minLength: 1, maxLength: 25 },
      );
      await fc.assert(
        fc.asyncProperty(logArb, linesArb, formatArb, async (log, ms, fmt) => {
          await noThrow(mutate(log.bytes, ms, unit), fmt, log.dockerfile);
        }),
        fuzzParams(`${format} garbage`, 60, T),
      );
    },
    jestTimeout(T),
  );

  test(
    `${spec.synthetic.title}: no throw, invariants hold`,
    async () => {
      await fc.assert(
        fc.asyncProperty(spec.synthetic.log, async (text) => {
          await noThrow(Buffer.from(text), format, null);
        }),
        fuzzParams(`${format} synthetic`, 200, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'every mutation combined (cuts, swaps, numbers, bytes, lines): no throw, invariants hold',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedLogArb(format, 8), formatArb, dockerfileChoiceArb, async ({ log, bytes }, fmt, dfc) => {
          await noThrow(bytes, fmt, dockerfileFor(log, dfc));
        }),
        fuzzParams(`${format} combined`, 100, T),
      );
    },
    jestTimeout(T),
  );

  test(
    `${spec.printedAgain.what} printed again changes no step's id, status or time`,
    async () => {
      const sig = (b: Buffer) =>
        buildReport(parseChunks([b], format), { now: FIXED_NOW })
          .steps.map((s) => JSON.stringify([s.id, s.status, s.seconds]))
          .sort();
      await fc.assert(
        fc.property(logArb, fc.nat(), fc.integer({ min: 1, max: 3 }), (log, at, times) => {
          expect(sig(spec.printedAgain.print(log.bytes, at, times))).toEqual(sig(log.bytes));
        }),
        fuzzParams(`${format} duplicate`, 100, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'chunking invariance: any chunk sizes (bytes, or text) give a deep-equal report',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedLogArb(format, 4), chunkSizesArb, formatArb, async ({ bytes }, sizes, fmt) => {
          const whole = buildReport(parseChunks([bytes], fmt), { now: FIXED_NOW });
          const byBytes = buildReport(parseChunks(chunk(bytes, sizes), fmt), { now: FIXED_NOW });
          expect(byBytes).toEqual(whole);
          const text = bytes.toString('utf8');
          const wholeText = buildReport(parseChunks([text], fmt), { now: FIXED_NOW });
          const byText = buildReport(parseChunks(chunk(text, sizes), fmt), { now: FIXED_NOW });
          expect(byText).toEqual(wholeText);
        }),
        fuzzParams(`${format} chunking`, 60, T),
      );
    },
    jestTimeout(T),
  );
}
