import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../../src/analysis/compare.js';
import { parseThresholds, DEFAULT_THRESHOLDS } from '../../src/analysis/thresholds.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { fixture } from '../support/fixtures.js';
import { analyzeRecorded } from '../support/reports.js';

function report(log: string, dockerfile?: string) {
  return buildReport(
    parseText(log),
    dockerfile ? { dockerfile: { path: 'Dockerfile', parsed: parseDockerfile(dockerfile) } } : {},
  );
}

const recorded = (name: string) => {
  const path = fixture('dockerfiles', name.split('-').slice(0, -1).join('-'), 'Dockerfile');
  return buildReport(parseText(readFileSync(fixture('recorded', `${name}.plain.log`))), {
    dockerfile: { path, parsed: parseDockerfile(readFileSync(path, 'utf8')) },
  });
};

describe('compareReports', () => {
  test('without a root cause analysis, a lost cache counts on the step’s own time', () => {
    // build#1 and stage-2#3 re-ran in 0.0 s: not over a 0 s threshold on their own.
    const c = compareReports(recorded('node-app-edit'), recorded('node-app-warm'), {
      ...DEFAULT_THRESHOLDS,
      minSeconds: 0,
    });
    expect(c.steps.filter((s) => s.regressions.includes('lost-cache')).map((s) => s.id)).toEqual(['build#2']);
  });

  test('a lost cache is a regression on its own time or through its root cause cost, else noise', async () => {
    const baseline = join(mkdtempSync(join(tmpdir(), 'bca-cmp-')), 'warm.json');
    writeFileSync(baseline, JSON.stringify(await analyzeRecorded('node-app-warm.plain.log')));
    // The 0.0 s COPY and the cascade count through their root cause's 0.2 s, over a 0 s threshold ...
    const c = (await analyzeRecorded('node-app-edit.plain.log', baseline, '0s')).comparison!;
    expect(c.steps.filter((s) => s.regressions.includes('lost-cache')).map((s) => s.id)).toEqual([
      'build#1',
      'build#2',
      'stage-2#3',
    ]);
    expect(c.added).toEqual([]);
    expect(c.removed).toEqual([]);
    expect(c.stages.filter((st) => st.regressions.length).map((st) => st.key)).toEqual(['build']); // 0.0 → 0.2 s
    expect(c.regressions).toBe(4);
    // ... and none of them is a regression under the default 5 s: 0.2 s of re-runs is noise.
    const quiet = (await analyzeRecorded('node-app-edit.plain.log', baseline)).comparison!;
    expect(quiet.steps.filter((s) => s.regressions.length)).toEqual([]);
    expect(quiet.regressions).toBe(0);
    expect(compareReports(recorded('node-app-warm'), recorded('node-app-warm')).regressions).toBe(0);
  });

  test('a step that moved two lines down is the same step, not removed + added', () => {
    const log = '#1 [1/2] FROM docker.io/library/alpine\n#1 DONE 0.1s\n\n#2 [2/2] RUN make\n#2 CACHED\n';
    const before = report(log, 'FROM alpine\nRUN make\n');
    const after = report(log, 'FROM alpine\n# build it\n#\nRUN make\n');
    const c = compareReports(after, before);
    expect(c.added).toEqual([]);
    expect(c.removed).toEqual([]);
    expect(c.steps.find((s) => s.id === '(default)#2')?.lines).toEqual({ from: 2, to: 4 });
    expect(c.regressions).toBe(0);
  });

  test('a step inserted above shifts indices, not identities', () => {
    const before = report('#1 [1/2] FROM docker.io/library/alpine\n#1 DONE 0.1s\n\n#2 [2/2] RUN make\n#2 CACHED\n');
    const after = report(
      '#1 [1/3] FROM docker.io/library/alpine\n#1 DONE 0.1s\n\n#2 [2/3] RUN apk add git\n#2 DONE 9.0s\n\n#3 [3/3] RUN make\n#3 DONE 30.0s\n',
    );
    const c = compareReports(after, before);
    expect(c.added).toEqual(['(default)#2']);
    expect(c.steps.find((s) => s.id === '(default)#3')).toMatchObject({
      baselineId: '(default)#2',
      regressions: ['lost-cache'],
    });
  });

  test('time regressions need both the share and the floor; size regressions likewise', () => {
    const mk = (secs: number) =>
      report(`#1 [a 1/2] FROM docker.io/x\n#1 DONE 0.1s\n\n#2 [a 2/2] RUN build\n#2 DONE ${secs}.0s\n`);
    expect(compareReports(mk(13), mk(10)).steps[1].regressions).toEqual([]); // +30% but only +3 s
    expect(compareReports(mk(100), mk(90)).steps[1].regressions).toEqual([]); // +10 s but only +11%
    expect(compareReports(mk(130), mk(100)).steps[1].regressions).toEqual(['slower']);
    const small = mk(10);
    const big = mk(10);
    small.stages[0].sizeBytes = 10_000_000;
    big.stages[0].sizeBytes = 15_000_000;
    expect(compareReports(big, small).stages[0]).toMatchObject({
      key: 'a',
      regressions: ['bigger'],
      sizeBytes: { from: 10_000_000, to: 15_000_000 },
    });
  });

  test('new errors and warnings count', () => {
    const ok = report('#1 [1/1] FROM docker.io/x\n#1 DONE 0.1s\n');
    const bad = report(
      '#1 [1/2] FROM docker.io/x\n#1 DONE 0.1s\n\n#2 [2/2] RUN false\n#2 ERROR: exit code: 1\n\nWARNING: something new\nERROR: failed to solve: exit code: 1\n',
    );
    const c = compareReports(bad, ok);
    expect(c.newErrors).toEqual(['failed to solve: exit code: 1']);
    expect(c.newWarnings).toEqual(['something new']);
  });
});

describe('parseThresholds', () => {
  test.each([
    ['20%,5s', '5%,1MB', { timePercent: 20, minSeconds: 5, sizePercent: 5, minBytes: 1_000_000 }],
    ['10%', '', { ...DEFAULT_THRESHOLDS, timePercent: 10 }],
    ['', '2MB', { ...DEFAULT_THRESHOLDS, minBytes: 2_000_000 }],
  ])('%s / %s', (time, size, expected) => {
    expect(parseThresholds(time, size)).toEqual(expected);
  });

  test('a bad value names the input', () => {
    expect(() => parseThresholds('fast', '')).toThrow(
      `'time-threshold' must be like "20%", "5s" or "20%,5s" but got 'fast'`,
    );
  });
});
