import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSteps } from '../../bench/steps-gen.js';
import { analyzeBuild } from '../../src/analysis/index.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/model/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { annotationsFor } from '../../src/publish/annotations.js';
import { fixture } from '../support/fixtures.js';
import { allCached, analyzeText } from '../support/reports.js';

test('suggestions become notices on the lines they concern; no Dockerfile, no annotations', async () => {
  const path = fixture('suggest-experiments', 'manifest-order', 'Dockerfile');
  const text = readFileSync(path, 'utf8');
  const parsed = parseDockerfile(text);
  const report = buildReport(parseText(''), { dockerfile: { path, parsed, text } });
  await analyzeBuild(report, { dockerfile: parsed, dockerfileSource: { path, text }, contextDir: null });
  const notices = annotationsFor(report).filter((a) => a.level === 'notice');
  expect(notices[0]).toMatchObject({
    title: 'Copy the npm manifests and install before copying the sources',
    file: path,
    startLine: 5,
    endLine: 6,
  });
  expect(annotationsFor(buildReport(parseText('')))).toEqual([]);
});

test('of many regressions, the 10 warnings shown are the steps that set misses off, costliest first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bca-ann-'));
  const input = writeSteps(dir, 200);
  const text = readFileSync(input.dockerfile, 'utf8');
  const log = readFileSync(input.log, 'utf8');
  // The baseline had every step cached: each step that ran now lost its cache.
  const baseline = await analyzeText(allCached(log), text);
  const now = await analyzeText(log, text, baseline);
  const warnings = annotationsFor(now).filter((a) => a.level === 'warning');
  expect(warnings).toHaveLength(10);
  const byLine = new Map(now.steps.filter((s) => s.lines).map((s) => [s.lines!.start, s]));
  const shown = warnings.map((w) => byLine.get(w.startLine)!);
  const regressed = now.steps.filter((s) => now.comparison!.steps.some((c) => c.id === s.id && c.regressions.length));
  const roots = regressed.filter((s) => s.miss?.role !== 'cascade');
  expect(roots.length).toBeGreaterThan(0);
  const want = [...roots].sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0)).slice(0, Math.min(10, roots.length));
  expect(shown.slice(0, want.length).map((s) => s.seconds)).toEqual(want.map((s) => s.seconds));
  expect(shown.slice(0, want.length).every((s) => s.miss?.role !== 'cascade')).toBe(true);
});
