// Properties of the real logs (issue 15): the lines GitHub Actions, build-push-action, compose, buildx
// and Docker Desktop write between vertices change nothing, and neither does the text's encoding.
import fc from 'fast-check';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import {
  FIXED_NOW,
  PLAIN_LOGS,
  RAWJSON_LOGS,
  chunk,
  chunkSizesArb,
  fuzzParams,
  jestTimeout,
  parseChunks,
} from './arbitraries.js';

const T = 1000;

/** Lines of the tools around a build, as they appear in real logs (none of them says the build failed). */
const WRAPPERS: string[][] = [
  ['##[group]Run docker/build-push-action@v6', 'with:', '  context: .', '  push: false', '##[endgroup]'],
  ['##[group]Metadata', '{', '  "buildx.build.ref": "builder/builder0/p3j9m4k2x1"', '}', '##[endgroup]'],
  ['##[endgroup]'],
  ['[command]/usr/bin/docker buildx build --iidfile /home/runner/work/_temp/iidfile --progress plain .'],
  ['View build details: docker-desktop://dashboard/build/desktop-linux/desktop-linux/as4fkzf6f2483oltfv95xp6sh'],
  ['[+] Building 23.4s (18/18) FINISHED                                  docker:desktop-linux'],
  [' Image cmpasru-app Built '],
  [' relay  Built'],
  ['[+] Running 3/3', ' ✔ Network app_default  Created                 0.1s', ' ✔ Container app-db-1  Started 0.4s'],
  ['Compose now can delegate build to bake for better performance.'],
  ["What's next:", '    View a summary of image vulnerabilities and recommendations → docker scout quickview'],
  ['::group::Build', '::endgroup::'],
];

/** The report as compared: everything but the count of input lines. */
function same(r: BuildReport): string {
  return JSON.stringify({ ...r, source: { ...r.source, lines: 0 } });
}

function reportOf(chunks: (string | Uint8Array)[]): BuildReport {
  return buildReport(parseChunks(chunks), { now: FIXED_NOW });
}

/** Inserts wrapper lines at block boundaries (right after a blank line, before the next vertex's header). */
function insertWrappers(text: string, picks: [number, number][]): string {
  const lines = text.split('\n');
  const boundaries: number[] = [];
  for (let i = 1; i < lines.length; i++)
    if (lines[i - 1].replace(/\r$/, '') === '' && lines[i].startsWith('#')) boundaries.push(i);
  if (boundaries.length === 0) return text;
  const inserts = new Map<number, string[]>();
  for (const [at, which] of picks) {
    const b = boundaries[at % boundaries.length];
    inserts.set(b, [...(inserts.get(b) ?? []), ...WRAPPERS[which % WRAPPERS.length]]);
  }
  return lines.flatMap((l, i) => [...(inserts.get(i) ?? []), l]).join('\n');
}

describe('wrapper lines and encodings (real logs)', () => {
  const logArb = fc.constantFrom(...PLAIN_LOGS);

  test(
    'Actions, compose and buildx lines between vertices: the same report, the same `complete`',
    () => {
      fc.assert(
        fc.property(logArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 }), (log, picks) => {
          const text = log.bytes.toString('utf8');
          const wrapped = insertWrappers(text, picks);
          const r = reportOf([wrapped]);
          const clean = reportOf([text]);
          expect(r.complete).toBe(clean.complete);
          expect(r.problems).toEqual(clean.problems);
          expect(same(r)).toBe(same(clean));
        }),
        fuzzParams('wrapper lines', 80, T),
      );
    },
    jestTimeout(T),
  );

  test('every real log: wrapper lines between all of its vertices change nothing', () => {
    for (const log of PLAIN_LOGS) {
      const text = log.bytes.toString('utf8');
      const all = WRAPPERS.map((_, i): [number, number] => [i, i]);
      const wrapped = insertWrappers(text, [
        ...all,
        ...Array.from({ length: 40 }, (_, i): [number, number] => [i, i * 7]),
      ]);
      expect({ log: log.name, report: same(reportOf([wrapped])) }).toEqual({
        log: log.name,
        report: same(reportOf([text])),
      });
    }
  });

  const encodings: [string, (text: string) => Buffer][] = [
    ['UTF-16LE with BOM', (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])],
    ['UTF-16LE', (t) => Buffer.from(t, 'utf16le')],
    ['UTF-16BE with BOM', (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()])],
    ['UTF-16BE', (t) => Buffer.from(t, 'utf16le').swap16()],
    ['UTF-8 with BOM', (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')])],
  ];

  test(
    'any real log (plain or rawjson) re-encoded, in any chunks: the same report',
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...PLAIN_LOGS, ...RAWJSON_LOGS),
          fc.constantFrom(...encodings),
          chunkSizesArb,
          (log, [, encode], sizes) => {
            const text = log.bytes.toString('utf8');
            const bytes = encode(text);
            expect(same(reportOf(chunk(bytes, sizes)))).toBe(same(reportOf([log.bytes])));
          },
        ),
        fuzzParams('encodings', 60, T),
      );
    },
    jestTimeout(T),
  );

  test.each(encodings)('every real log as %s, whole: the same report', (_, encode) => {
    for (const log of [...PLAIN_LOGS, ...RAWJSON_LOGS]) {
      const r = same(reportOf([encode(log.bytes.toString('utf8'))]));
      expect({ log: log.name, r }).toEqual({ log: log.name, r: same(reportOf([log.bytes])) });
    }
  });
});
