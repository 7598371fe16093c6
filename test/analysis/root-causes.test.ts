// Root causes on builds our tests recorded from the real engine (fixtures/recorded/README.md).
import { readFileSync } from 'node:fs';
import { analyzeBuild } from '../../src/analysis/index.js';
import { changesFromList, NO_CHANGES } from '../../src/analysis/changes.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { whyPhrase } from '../../src/render/answer.js';
import { toText } from '../../src/render/inline.js';
import { fixture } from '../support/fixtures.js';

async function analysed(scenario: string, phase: string, format: 'plain.log' | 'rawjson', changed: string[] = []) {
  const contextDir = fixture('dockerfiles', scenario);
  const path = fixture('dockerfiles', scenario, 'Dockerfile');
  const text = readFileSync(path, 'utf8');
  const parsed = parseDockerfile(text);
  const report = buildReport(parseText(readFileSync(fixture('recorded', `${scenario}-${phase}.${format}`))), {
    dockerfile: { path, parsed },
  });
  const changes = changed.length ? changesFromList(changed.join('\n'), contextDir) : NO_CHANGES;
  await analyzeBuild(report, { dockerfile: { path, text, parsed }, contextDir, changes });
  return report;
}

function causes(report: BuildReport) {
  return report.analysis!.rootCauses.map((c) => ({
    step: c.stepId,
    kind: c.kind,
    files: c.files,
    args: c.args,
    cascade: [...c.cascade].sort(),
  }));
}

describe.each(['plain.log', 'rawjson'] as const)('root causes from %s', (format) => {
  test('an edited source file: the COPY that takes src/ names it; the cascade is what re-ran after it', async () => {
    const report = await analysed('node-app', 'edit', format, ['src/util.js']);
    expect(causes(report)).toEqual([
      { step: 'build#1', kind: 'content-changed', files: ['src/util.js'], args: [], cascade: ['build#2', 'stage-2#3'] },
    ]);
    expect(report.steps.find((s) => s.id === 'stage-2#3')?.miss).toEqual({ role: 'cascade', roots: ['build#1'] });
    expect(report.analysis!.graph).toBe(format === 'rawjson' ? 'rawjson' : 'dockerfile');
  });

  test('a changed build-arg: the first RUN after the ARG, with the ARG named', async () => {
    const report = await analysed('arg-shared', 'arg', format);
    expect(causes(report)).toEqual([
      { step: 'app#4', kind: 'build-arg-changed', files: [], args: ['GREETING'], cascade: ['app#5', 'app#6'] },
    ]);
  });

  test('nothing cached (a cold build): every root is "no visible change"', async () => {
    const report = await analysed('arg-shared', 'cold', format);
    const kinds = new Set(report.analysis!.rootCauses.map((c) => c.kind));
    expect([...kinds]).toEqual(['no-visible-change']);
    // Every re-run step is a root cause or in exactly the cascades of the roots above it.
    const ran = report.steps
      .filter((s) => s.status === 'ran')
      .map((s) => s.id)
      .sort();
    const covered = new Set(report.analysis!.rootCauses.flatMap((c) => [c.stepId, ...c.cascade]));
    expect([...covered].sort()).toEqual(ran);
  });

  test('a COPY whose files are not in the change list: the cause is not invented', async () => {
    const report = await analysed('node-app', 'edit', format, ['README.md']);
    expect(report.analysis!.rootCauses.map((c) => c.kind)).toEqual(['no-visible-change']);
  });

  test('without a change list, a re-run COPY is "content changed (likely)"', async () => {
    const report = await analysed('node-app', 'edit', format);
    expect(report.analysis!.rootCauses.map((c) => [c.kind, c.confidence])).toEqual([['content-changed', 'likely']]);
  });
});

test('plain and rawjson of the same phase give the same root causes', async () => {
  for (const [scenario, phase, changed] of [
    ['node-app', 'edit', ['src/util.js']],
    ['arg-shared', 'edit', ['assets/b.txt']],
    ['arg-shared', 'arg', []],
  ] as const) {
    const plain = causes(await analysed(scenario, phase, 'plain.log', [...changed]));
    const raw = causes(await analysed(scenario, phase, 'rawjson', [...changed]));
    expect(raw).toEqual(plain);
  }
});

test('ARG names are matched literally in a RUN: `A.B` is not read by `$AXB`, and `X(` does not throw', async () => {
  const text = 'FROM a\nARG A.B\nARG AXB\nARG X(\nRUN echo $AXB\n';
  const parsed = parseDockerfile(text);
  const log = '#1 [1/2] FROM docker.io/library/a\n#1 CACHED\n\n#2 [2/2] RUN echo $AXB\n#2 DONE 1.0s\n';
  const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed } });
  await analyzeBuild(report, { dockerfile: { path: 'Dockerfile', text, parsed }, contextDir: null });
  expect(causes(report)).toEqual([
    { step: '(default)#2', kind: 'build-arg-changed', files: [], args: ['AXB'], cascade: [] },
  ]);
});

test('evidence combined: a COPY whose line changed and whose files changed shows both', async () => {
  const contextDir = fixture('dockerfiles', 'webapp');
  const path = fixture('dockerfiles', 'webapp', 'Dockerfile');
  const parsed = parseDockerfile(readFileSync(path, 'utf8'));
  const report = buildReport(parseText(readFileSync(fixture('recorded', 'webapp', 'webapp-edit.plain.log'))), {
    dockerfile: { path, parsed },
  });
  // `COPY . .` is line 6: the change touched it, and src/util.js, which it copies.
  const changes = { ...changesFromList('src/util.js', contextDir), dockerfileLines: new Set([6]) };
  await analyzeBuild(report, { dockerfile: { path, parsed, text: readFileSync(path, 'utf8') }, contextDir, changes });
  const [root] = report.analysis!.rootCauses;
  expect(root).toMatchObject({ stepId: 'deps#4', kind: 'instruction-changed', files: ['src/util.js'] });
  expect(root.evidence!.map((e) => e.kind)).toEqual(['instruction-changed', 'content-changed']);
  expect(toText(whyPhrase(root, false))).toBe('its Dockerfile line changed; copied a changed file, `src/util.js`');
});
