// The report's one JSON Schema (src/model/report.schema.json): every report the tool writes is valid against it,
// it describes every field they hold, the README publishes it, and a baseline is checked against it.
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { readBaseline } from '../../src/analysis/index.js';
import { REPORT_SCHEMA, reportProblem } from '../../src/model/validate-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { fixture, rootDir } from '../support/fixtures.js';
import { analyzeRecorded } from '../support/reports.js';

/** The schema with `additionalProperties: false` on every object it describes: a field it does not know fails. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === 'properties' ? mapValues(v) : closed(v)]),
  );
  if ('properties' in node) out.additionalProperties = false;
  return out;
}
function mapValues(v: unknown): unknown {
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, closed(x)]));
}
const strict = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true }).compile(
  closed(REPORT_SCHEMA) as object,
);

let reports: BuildReport[];
beforeAll(async () => {
  const warm = await analyzeRecorded('node-app-warm.plain.log');
  const dir = mkdtempSync(join(tmpdir(), 'bca-schema-'));
  const base = join(dir, 'warm.json');
  writeFileSync(base, JSON.stringify(warm));
  reports = [
    warm,
    await analyzeRecorded('node-app-edit.plain.log', base),
    await analyzeRecorded('node-app-edit.rawjson', base),
    await analyzeRecorded('node-app-cold.rawjson'),
  ];
  // A run-mode report with sizes, as the action writes it.
  reports.push({
    ...reports[1],
    comparison: {
      ...reports[1].comparison!,
      baseline: {
        ...reports[1].comparison!.baseline,
        branch: 'main',
        runUrl: 'https://github.com/acme/app/actions/runs/1',
      },
    },
    run: {
      cli: 'buildx',
      args: ['buildx', 'build', '.'],
      exitCode: 0,
      buildSeconds: 3.2,
      overheadSeconds: 0.4,
      progressFile: '/tmp/p.log',
      image: 'sha256:x',
    },
    sizes: {
      image: { ref: 'app:ci', sizeBytes: 1000 },
      measured: ['deps'],
      notMeasured: [{ stage: 'build', reason: 'unnamed' }],
      stages: [{ key: 'deps', totalBytes: 1000, addedBytes: 10, measuredFrom: 'image' }],
      unmappedSteps: [{ id: 'deps#1', reason: 'no layer' }],
      warnings: ['w'],
    },
    analysis: {
      ...reports[1].analysis!,
      suggestions: [
        {
          rule: 'manifest-order',
          title: 't',
          file: 'Dockerfile',
          lines: { start: 1, end: 2 },
          why: 'w',
          diff: '--- a\n+++ b\n',
          evidence: 'data',
          savedSeconds: 1.5,
          protects: ['deps#2'],
          history: { builds: 10, reran: 8, branch: 'main' },
          gain: { kind: 'seconds', value: 1.5, basis: 'measured' },
          confidence: 'high',
          also: [{ rule: 'cache-mount', title: 't2', why: 'w2' }],
          verification: {
            status: 'verified',
            baseRerunSeconds: 4,
            withEditRerunSeconds: 1,
            secondsSaved: 3,
            stepsKeptCached: ['deps#2'],
            imageDifferences: [],
            note: null,
            costSeconds: 9.5,
          },
        },
      ],
      verification: { seconds: 9.5, builds: 2, notes: ['n'] },
    },
  });
}, 60_000);

describe('the report schema', () => {
  test('every report the tool writes is valid, and the schema describes each of its fields', () => {
    expect(reports[1].comparison).toBeDefined();
    expect(reports[1].steps.some((s) => s.miss)).toBe(true);
    expect(reports.at(-1)!.analysis?.suggestions[0].history).toBeDefined();
    for (const r of reports) {
      expect(reportProblem(r)).toBeNull();
      expect(strict(r) ? [] : strict.errors).toEqual([]);
    }
  });

  test('every log of the corpus and of the recordings gives a valid report', async () => {
    const { analyzeLog } = await import('../../src/analyze-command.js');
    const { createReadStream } = await import('node:fs');
    for (const dir of ['corpus', 'recorded']) {
      for (const name of readdirSync(fixture(dir)).filter((n) => /\.(log|rawjson)$/.test(n))) {
        const { report } = await analyzeLog(createReadStream(fixture(dir, name)), {
          file: name,
          format: 'json',
          dockerfile: null,
        });
        expect([name, reportProblem(report)]).toEqual([name, null]);
        expect([name, strict(report) ? [] : strict.errors]).toEqual([name, []]);
      }
    }
  });

  test('the README publishes it: a link, and each top-level field in the report table', () => {
    const readme = readFileSync(join(rootDir, 'README.md'), 'utf8');
    expect(readme).toContain('(src/model/report.schema.json)');
    for (const key of Object.keys((REPORT_SCHEMA as { properties: object }).properties))
      expect([key, new RegExp(`\`${key}(\\[\\])?\``).test(readme)]).toEqual([key, true]);
  });
});

describe('a baseline that is not a valid report is no baseline, with one message naming the first bad field', () => {
  const EVIL = '<img src=x onerror=alert(1)>@everyone';
  const valid = (): BuildReport => JSON.parse(JSON.stringify(reports[0])) as BuildReport;
  test.each([
    { name: '1 not JSON', text: `{"schemaVersion":1, ${EVIL}`, want: /is not JSON/ },
    { name: '2 an array', doc: () => [EVIL], want: /^the document must be object$/ },
    { name: '3 steps only', doc: () => ({ schemaVersion: 1, steps: [] }), want: /^tool is missing$/ },
    {
      name: '4 a newer schema',
      doc: () => ({ ...valid(), schemaVersion: 2 }),
      want: /^schemaVersion must be equal to constant$/,
    },
    {
      name: '5 a string seconds',
      doc: () => ({ ...valid(), steps: valid().steps.map((s, i) => (i === 2 ? { ...s, seconds: EVIL } : s)) }),
      want: /^steps\[2\]\.seconds must be number,null$/,
    },
    { name: '6 a null step', doc: () => ({ ...valid(), steps: [null] }), want: /^steps\[0\] must be object$/ },
    {
      name: '7 a status outside the list',
      doc: () => ({ ...valid(), steps: valid().steps.map((s, i) => (i === 1 ? { ...s, status: EVIL } : s)) }),
      want: /^steps\[1\]\.status must be equal to one of the allowed values$/,
    },
    {
      name: '8 a key of its own, deep down',
      doc: () => ({ ...valid(), totals: { ...valid().totals, counts: { ...valid().totals.counts, ran: EVIL } } }),
      want: /^totals\.counts\.ran must be integer$/,
    },
  ])('$name', async ({ doc, text, want }) => {
    const dir = mkdtempSync(join(tmpdir(), 'bca-bad-baseline-'));
    const file = join(dir, 'baseline.json');
    writeFileSync(file, text ?? JSON.stringify(doc!()));
    const got = await readBaseline(file);
    expect(got.report).toBeNull();
    expect(got.problem).toMatch(want);
    expect(got.problem).not.toMatch(/img|everyone|onerror/);
  });

  test('a valid one is read as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bca-good-baseline-'));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(reports[0]));
    expect(await readBaseline(join(dir, 'b.json'))).toEqual({ report: reports[0], problem: null });
  });
});
