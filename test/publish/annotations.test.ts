import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSteps } from '../../bench/steps-gen.js';
import { analyzeBuild } from '../../src/analysis/index.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { annotationsFor, wholeWords } from '../../src/publish/annotations.js';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/thresholds.js';
import { fixture } from '../support/fixtures.js';
import { allCached, analyzeText } from '../support/reports.js';

test('suggestions become notices on the lines they concern; no Dockerfile, no annotations', async () => {
  const path = fixture('suggest-experiments', 'manifest-order', 'Dockerfile');
  const text = readFileSync(path, 'utf8');
  const parsed = parseDockerfile(text);
  const report = buildReport(parseText(''), { dockerfile: { path, parsed, text } });
  await analyzeBuild(report, { dockerfile: { path, text, parsed }, contextDir: null });
  const notices = annotationsFor(report).filter((a) => a.level === 'notice');
  expect(notices[0]).toMatchObject({
    title: 'Copy the npm manifests and install before copying the sources',
    file: path,
    startLine: 5,
    endLine: 6,
  });
  expect(annotationsFor(buildReport(parseText('')))).toEqual([]);
});

test('of many regressions, one warning per root cause, costliest first, at most 10, in whole words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bca-ann-'));
  const input = writeSteps(dir, 200);
  const text = readFileSync(input.dockerfile, 'utf8');
  const log = readFileSync(input.log, 'utf8');
  // The baseline had every step cached: each step that ran now lost its cache (each root cause costs 3.5 s).
  const baseline = await analyzeText(allCached(log), text);
  const now = await analyzeText(log, text, baseline, { ...DEFAULT_THRESHOLDS, minSeconds: 1 });
  const warnings = annotationsFor(now).filter((a) => a.level === 'warning');
  expect(warnings).toHaveLength(10);
  const causes = now.analysis!.rootCauses;
  const regressedRoots = new Set(now.comparison!.steps.filter((c) => c.regressions.length).map((c) => c.id));
  const want = causes.filter((c) => regressedRoots.has(c.stepId)).slice(0, 10);
  const byId = new Map(now.steps.map((s) => [s.id, s]));
  expect(warnings.map((w) => w.startLine)).toEqual(want.map((c) => byId.get(c.stepId)!.lines!.start));
  for (const w of warnings) expect(w.title).toMatch(/^Build regression: \d+ steps? lost the cache \(\d+\.\ds\)$/);
});

test('whole words: a long message is cut at a space', () => {
  const cut = wholeWords(`${'word '.repeat(200)}end`, 50);
  expect(cut.length).toBeLessThanOrEqual(50);
  expect(cut).toMatch(/ word…$|^(word )*word…$/);
});
