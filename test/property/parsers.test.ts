// Property tests: mutated real logs never make the parsers or the report throw or hang, and every
// report keeps its invariants (test/property/invariants.ts).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildReport } from '../../src/model/build-report.js';
import { createParser, parseText } from '../../src/progress/index.js';
import { fixture, listFixtures } from '../support/fixtures.js';
import { checkInvariants } from './invariants.js';

const plainLogs = [
  ...listFixtures('corpus', '.log').map((f) => readFileSync(fixture('corpus', f))),
  ...listFixtures('recorded', '.plain.log').map((f) => readFileSync(fixture('recorded', f))),
];
const rawLogs = listFixtures('recorded', '.rawjson').map((f) => readFileSync(fixture('recorded', f)));
const NOW = new Date(0);
const RUNS = { numRuns: 60, interruptAfterTimeLimit: 20_000 };

function analyse(input: Buffer | string): void {
  checkInvariants(buildReport(parseText(input), { now: NOW }));
}

const garbageLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '\u001b[31m#3 DONE 1.0s\u001b[0m',
    '#',
    '#x',
    '#99999999999999999999 DONE',
    '------',
    '--------------------',
    ' > x:',
    '{"vertexes":[',
    '[[[[[',
    '\r\r',
    'ERROR:',
  ),
);

/** Lines of a log mutated: some dropped, some doubled, garbage and invalid bytes put in between. */
const mutatedLines = (logs: Buffer[]) =>
  fc
    .tuple(
      fc.constantFrom(...logs),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'dup', 'garbage', 'bytes', 'swap')), { maxLength: 30 }),
      fc.array(garbageLine, { maxLength: 10 }),
    )
    .map(([log, ops, garbage]) => {
      const lines: (string | Buffer)[] = log
        .toString('latin1')
        .split('\n')
        .map((l) => Buffer.from(l, 'latin1'));
      ops.forEach(([at, op], k) => {
        const i = lines.length ? at % lines.length : 0;
        if (op === 'drop') lines.splice(i, 1);
        else if (op === 'dup') lines.splice(i, 0, lines[i] ?? '');
        else if (op === 'garbage') lines.splice(i, 0, garbage[k % Math.max(1, garbage.length)] ?? '');
        else if (op === 'bytes') lines.splice(i, 0, Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]));
        else if (lines.length > 1)
          [lines[i], lines[(i + 7) % lines.length]] = [lines[(i + 7) % lines.length], lines[i]];
      });
      return Buffer.concat(lines.flatMap((l) => [Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from('\n')]));
    });

describe.each([
  ['plain', plainLogs],
  ['rawjson', rawLogs],
])('%s', (_format, logs) => {
  test('a log cut at any byte (also inside a UTF-8 character) gives a report that keeps its invariants', () => {
    fc.assert(
      fc.property(fc.constantFrom(...logs), fc.double({ min: 0, max: 1, noNaN: true }), (log, at) => {
        analyse(log.subarray(0, Math.floor(log.length * at)));
      }),
      RUNS,
    );
  });

  test('dropped, doubled and swapped lines, garbage and invalid bytes: no throw, invariants hold', () => {
    fc.assert(
      fc.property(mutatedLines(logs), (input) => analyse(input)),
      RUNS,
    );
  });

  test('any chunking gives the same report', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...logs),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 50 }),
        (log, sizes) => {
          const parser = createParser();
          let at = 0;
          for (let k = 0; at < log.length; k++) {
            const size = sizes[k % sizes.length];
            parser.push(log.subarray(at, at + size));
            at += size;
          }
          expect(buildReport(parser.end(), { now: NOW })).toEqual(buildReport(parseText(log), { now: NOW }));
        },
      ),
      { numRuns: 30 },
    );
  });
});

test('plain: vertex blocks in any order keep the invariants, and no vertex is lost', () => {
  fc.assert(
    fc.property(fc.constantFrom(...plainLogs), fc.array(fc.nat(), { maxLength: 40 }), (log, swaps) => {
      const blocks = log.toString('utf8').split('\n\n');
      swaps.forEach((k, i) => {
        const a = k % blocks.length;
        const b = (k + i + 1) % blocks.length;
        [blocks[a], blocks[b]] = [blocks[b], blocks[a]];
      });
      const shuffled = blocks.join('\n\n');
      const report = buildReport(parseText(shuffled), { now: NOW });
      checkInvariants(report);
      // Reordering blocks loses no header: the same vertices are found.
      expect(parseText(shuffled).vertices.length).toBe(parseText(log).vertices.length);
    }),
    RUNS,
  );
});

describe('hostile single inputs', () => {
  test.each([
    ['deeply nested JSON', `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['a JSON line of 5 MB', `{"logs":[{"vertex":"v","data":"${'QUFB'.repeat(1_300_000)}"}]}\n`],
    [
      'JSON with every wrong type',
      '{"vertexes":[1,"x",null,{"digest":5,"name":[],"started":{},"completed":true,"cached":"yes","inputs":"a"}],"statuses":{},"logs":[{"vertex":"v","data":7}],"warnings":[{"short":1}]}\n',
    ],
    [
      'control characters',
      '#1 [1/2] FROM x\u0000\u0007\n#1 DONE 0.1s\n\n#2 [2/2] RUN \u001b]0;title\u0007x\n#2 DONE 1.0s\n',
    ],
    [
      'numbers that overflow',
      '#1 [1/99999999999999999999] RUN x\n#1 DONE 1e308s\n#1 DONE 99999999999999999999999.9s\n',
    ],
  ])('%s', (_name, input) => {
    analyse(input);
  });
});

test('random JSON values as rawjson lines', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue({ maxDepth: 6 }), { minLength: 1, maxLength: 20 }), (values) => {
      analyse(values.map((v) => JSON.stringify({ vertexes: [v], logs: [v], statuses: [v] })).join('\n'));
    }),
    RUNS,
  );
});
