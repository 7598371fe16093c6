// The headline says what to change, and when nothing is worth changing it says that too, rather than nothing.
import { headline } from '../../src/render/answer.js';
import { toText } from '../../src/render/inline.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { BuildReport } from '../../src/model/report.js';
import { analyzeRecorded } from '../support/reports.js';

const text = (r: BuildReport) =>
  headline(r)
    .lines.map((l) => toText(l))
    .join('\n');
const NONE = 'No Dockerfile change to suggest: none found would save at least 2.0s or 1.0 MB per build.';

test('steps re-ran, the Dockerfile was read, no suggestion is worth its gain: the headline says so', async () => {
  const report = await analyzeRecorded('node-app-edit.plain.log');
  expect(report.analysis!.suggestions).toEqual([]);
  expect(headline(report).kind).toBe('reran');
  expect(text(report)).toContain(NONE);
});

test('not with a suggestion to show, nor without a Dockerfile (no rule could run)', async () => {
  const report = await analyzeRecorded('node-app-edit.plain.log');
  const withFix: BuildReport = {
    ...report,
    analysis: {
      ...report.analysis!,
      suggestions: [
        {
          rule: 'manifest-order',
          title: 'Copy the npm manifests and install before copying the sources',
          file: 'Dockerfile',
          lines: { start: 5, end: 6 },
          why: 'w',
          diff: '',
          evidence: 'data',
          savedSeconds: 3,
          protects: [],
          gain: { kind: 'seconds', value: 3, basis: 'measured' },
          confidence: 'high',
        },
      ],
    },
  };
  expect(text(withFix)).toContain('Top fix: Copy the npm manifests');
  expect(text(withFix)).not.toContain(NONE);
  expect(text({ ...report, dockerfile: null })).not.toContain(NONE);
});

test('a COPY whose changed files are unknown: the headline says so plainly, the details name the options that would name them', async () => {
  const report = await analyzeRecorded('node-app-edit.plain.log');
  // The options are for whoever sets up the workflow: not inside the sentence the PR's author reads first.
  expect(text(report)).toContain('most likely copied changed files, and 2 steps after it re-ran: 0.2s in all.');
  expect(text(report)).not.toContain('changed-files');
  expect(renderMarkdown(report)).toContain(
    'most likely copied changed files (set `changed-files` or `git-base` to name them)',
  );
});

test("a step's share names what it divides: the build's wall time when the log has it, else the summed step time", async () => {
  const report = await analyzeRecorded('node-app-edit.plain.log');
  expect(report.totals.shareBasis).toBe('sum');
  expect(text(report)).toContain('re-ran: 0.2s, 100% of the step time');
  const timed: BuildReport = { ...report, totals: { ...report.totals, shareBasis: 'wall' } };
  expect(text(timed)).toContain('re-ran: 0.2s, 100% of the build');
});
