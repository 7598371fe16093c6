import { readFileSync } from 'node:fs';
import { analyzeBuild } from '../../src/analysis/index.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/model/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { annotationsFor } from '../../src/publish/annotations.js';
import { fixture } from '../support/fixtures.js';

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
