import { readFileSync } from 'node:fs';
import { parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/model/build-report.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { mapSteps } from '../../src/dockerfile/map-steps.js';
import { fixture } from '../support/fixtures.js';

function mapped(log: string, dockerfile: string) {
  const report = buildReport(parseText(readFileSync(fixture('recorded', log))));
  const result = mapSteps(
    report,
    parseDockerfile(readFileSync(fixture('dockerfiles', dockerfile, 'Dockerfile'), 'utf8')),
  );
  return { report, ...result };
}

describe('parseDockerfile', () => {
  test('numbers steps as BuildKit does: FROM only for images; RUN/COPY/ADD/WORKDIR; not ARG/ENV/CMD', () => {
    const df = parseDockerfile(
      'ARG V=1\nFROM busybox AS base\nWORKDIR /app\nENV A=1\nRUN echo a \\\n  b\n\nFROM base AS next\nCOPY --from=base /a /b\nCMD ["x"]\n',
    );
    expect(
      df.stages.map((s) => [
        s.name,
        s.base,
        s.baseIsStage,
        s.steps.map((i) => `${i.keyword}@${i.lines.start}-${i.lines.end}`),
      ]),
    ).toEqual([
      ['base', 'busybox', false, ['FROM@2-2', 'WORKDIR@3-3', 'RUN@5-6']],
      ['next', 'base', true, ['COPY@9-9']],
    ]);
    expect(df.stages[0].steps[2].text).toBe('RUN echo a b');
  });
});

describe('mapSteps', () => {
  test('every step of a three-stage build maps to its line (rawjson)', () => {
    const { report, unmapped } = mapped('node-app-edit.rawjson', 'node-app');
    expect(unmapped).toEqual([]);
    expect(Object.fromEntries(report.steps.map((s) => [s.id, s.lines?.start]))).toEqual({
      'deps#1': 3,
      'deps#2': 4,
      'deps#3': 5,
      'deps#4': 6,
      'build#1': 9,
      'build#2': 10,
      'stage-2#2': 13,
      'stage-2#3': 14,
    });
    // stage-2's FROM is the same image as deps' FROM: one vertex for both.
    expect(report.steps.find((s) => s.id === 'deps#1')?.sharedWith).toEqual(['stage-2 1/3']);
  });

  test('identical first steps of two stages are one vertex, marked shared (plain)', () => {
    const { report, unmapped } = mapped('arg-shared-cold.plain.log', 'arg-shared');
    expect(unmapped).toEqual([]);
    const workdir = report.steps.find((s) => s.text === 'WORKDIR /app')!;
    expect(workdir.sharedWith).toEqual(['app 2/6']);
    expect(report.steps.filter((s) => s.sharedWith.length)).toHaveLength(2); // the FROM and the WORKDIR
  });

  test('a step the Dockerfile does not have is reported as unmapped', () => {
    const report = buildReport(parseText('#1 [app 9/9] RUN x\n#1 DONE 1.0s\n'));
    const { unmapped } = mapSteps(report, parseDockerfile('FROM busybox AS app\nRUN x\n'));
    expect(unmapped).toEqual([{ id: 'app#9', reason: 'stage has no step 9' }]);
    expect(report.steps[0].lines).toBeNull();
  });
});
