// Real public logs of cache exports and their failures against their hand-checked expectations
// (fixtures/corpus/remote-cache/README.md).
import { readFileSync } from 'node:fs';
import { parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { fixture, listFixtures } from '../support/fixtures.js';

interface Expected {
  failed: boolean;
  imports: { ref: string; backend: string; outcome: string; errorKind: string | null; seconds: number | null }[];
  exports: {
    backend: string;
    outcome: string;
    errorKind: string | null;
    layers: number;
    seconds: number | null;
    preparingSeconds: number | null;
  }[];
  diagnoses: { kind: string; ignoreErrorKeepsGreen: boolean | null }[];
}

const DIR = 'corpus/remote-cache';
const cases = listFixtures(DIR, '.expected.json').map((f) => f.replace(/\.expected\.json$/, ''));

describe('remote cache corpus', () => {
  test('holds the logs the README lists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  test.each(cases)('%s', (name) => {
    const expected = JSON.parse(readFileSync(fixture(DIR, `${name}.expected.json`), 'utf8')) as Expected;
    const report = buildReport(parseText(readFileSync(fixture(DIR, `${name}.log`))), { file: `${name}.log` });
    expect(report.failed).toBe(expected.failed);
    expect(report.problems).toEqual([]);
    const rc = report.remoteCache!;
    expect(rc).toBeDefined();
    expect(
      rc.imports.map((i) => ({
        ref: i.ref,
        backend: i.backend,
        outcome: i.outcome,
        errorKind: i.errorKind,
        seconds: i.seconds,
      })),
    ).toEqual(expected.imports);
    expect(
      rc.exports.map((e) => ({
        backend: e.backend,
        outcome: e.outcome,
        errorKind: e.errorKind,
        layers: e.layers,
        seconds: e.seconds,
        preparingSeconds: e.preparingSeconds,
      })),
    ).toEqual(expected.exports);
    expect(rc.diagnoses.map((d) => ({ kind: d.kind, ignoreErrorKeepsGreen: d.ignoreErrorKeepsGreen }))).toEqual(
      expected.diagnoses,
    );
    for (const d of rc.diagnoses) {
      expect(d.evidence.length).toBeGreaterThan(0);
      expect(d.fix).toBeTruthy();
    }
  });
});
