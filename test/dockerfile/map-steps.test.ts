import { readFileSync } from 'node:fs';
import { parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { mapSteps } from '../../src/dockerfile/map-steps.js';
import { fixture } from '../support/fixtures.js';

function mapped(log: string, dockerfile: string) {
  const path = fixture('dockerfiles', dockerfile, 'Dockerfile');
  const report = buildReport(parseText(readFileSync(fixture('recorded', log))), {
    dockerfile: { path, parsed: parseDockerfile(readFileSync(path, 'utf8')) },
  });
  return { report, unmapped: report.dockerfile!.unmapped };
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

  test('lines break at CRLF, a lone CR and LF, as dockerfile-ast counts them', () => {
    const df = parseDockerfile('FROM a\r\nRUN b \\\r  c\rCOPY x /y\n\rRUN d');
    expect(df.stages[0].steps.map((i) => [i.text, i.lines])).toEqual([
      ['FROM a', { start: 1, end: 1 }],
      ['RUN b c', { start: 2, end: 3 }],
      ['COPY x /y', { start: 4, end: 4 }],
      ['RUN d', { start: 6, end: 6 }],
    ]);
    expect(() => parseDockerfile('\rW')).not.toThrow();
  });

  test('COPY/ADD sources: shell form, JSON form (spaces and escapes kept), none for a heredoc or its body', () => {
    const df = parseDockerfile(
      [
        'FROM a',
        'COPY src/ package.json /app/',
        'COPY ["my file.txt", "a\\"b", "/app/"]',
        'ADD [ "x", \\',
        '  "/y" ]',
        'COPY <<EOF /etc/conf',
        'key=value',
        'EOF',
        'COPY --chmod=644 <<A <<B extra.txt /etc/',
        'one two',
        'A',
        'B',
        'COPY ["not", json] /z',
      ].join('\n'),
    );
    expect(df.stages[0].steps.slice(1).map((i) => i.sources)).toEqual([
      ['src/', 'package.json'],
      ['my file.txt', 'a"b'],
      ['x'],
      [],
      ['extra.txt'],
      ['["not",', 'json]'],
    ]);
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

  test('identical first steps of two stages are one vertex, filed under the first stage (plain)', () => {
    const { report, unmapped } = mapped('arg-shared-cold.plain.log', 'arg-shared');
    expect(unmapped).toEqual([]);
    const shared = report.steps.filter((s) => s.sharedWith.length);
    expect(shared.map((s) => [s.id, s.sharedWith, s.lines])).toEqual([
      ['assets#1', ['app 1/6'], { start: 5, end: 5 }],
      ['assets#2', ['app 2/6'], { start: 6, end: 6 }],
    ]);
  });

  test("a shared step BuildKit printed under the later stage gets the first stage's id", () => {
    // BuildKit labels a shared vertex with either stage, varying between builds.
    const log = [
      '#1 [app 2/6] WORKDIR /app\n#1 CACHED\n',
      '#2 [app 3/6] COPY app.sh ./\n#2 DONE 0.1s\n',
      '#3 [assets 3/4] COPY assets/ ./assets/\n#3 DONE 0.1s\n',
    ].join('\n');
    const path = fixture('dockerfiles', 'arg-shared', 'Dockerfile');
    const report = buildReport(parseText(log), {
      dockerfile: { path, parsed: parseDockerfile(readFileSync(path, 'utf8')) },
    });
    expect(report.steps.map((s) => [s.id, s.stage, s.index, s.sharedWith])).toEqual([
      ['assets#2', 'assets', 2, ['app 2/6']],
      ['app#3', 'app', 3, []],
      ['assets#3', 'assets', 3, []],
    ]);
    expect(report.stages.map((s) => s.key)).toEqual(['assets', 'app']);
  });

  test('a shared step is filed under the first stage of the build even when that stage printed no step of its own', () => {
    // deps and test start alike; BuildKit ran both steps once and printed them under test's label.
    // The last stage reads from deps: it is in the build. Nothing reads from unused: it is not.
    const parsed = parseDockerfile(
      [
        'FROM busybox AS unused',
        'RUN echo unused',
        'FROM busybox AS deps',
        'RUN echo deps',
        'FROM busybox AS test',
        'RUN echo deps',
        'RUN echo test',
        'FROM test',
        'COPY --from=deps /x /x',
      ].join('\n'),
    );
    const log = [
      '#1 [test 1/3] FROM docker.io/library/busybox\n#1 DONE 0.1s\n',
      '#2 [test 2/3] RUN echo deps\n#2 DONE 0.1s\n',
      '#3 [test 3/3] RUN echo test\n#3 DONE 0.1s\n',
      '#4 [stage-3 1/1] COPY --from=deps /x /x\n#4 DONE 0.1s\n',
    ].join('\n');
    const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed } });
    expect(report.steps.map((s) => [s.id, s.sharedWith, s.lines?.start])).toEqual([
      ['deps#1', ['test 1/3'], 3],
      ['deps#2', ['test 2/3'], 4],
      ['test#3', [], 7],
      ['stage-3#1', [], 9],
    ]);
  });

  test('a shared step keeps its label when the first stage printed that step itself (unmapped: the file changed)', () => {
    const parsed = parseDockerfile('FROM busybox AS a\nRUN one\nCOPY f /f\nFROM busybox AS b\nRUN one\n');
    const log = '#1 [a 2/3] ADD x y\n#1 DONE 0.1s\n\n#2 [b 2/2] RUN one\n#2 DONE 0.1s\n';
    const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed } });
    expect(report.steps.map((s) => [s.id, s.sharedWith])).toEqual([
      ['a#2', []],
      ['b#2', []],
    ]);
    expect(report.dockerfile!.unmapped.map((u) => u.id)).toEqual(['a#2']);
  });

  test('a step the Dockerfile does not have is reported as unmapped', () => {
    const report = buildReport(parseText('#1 [app 9/9] RUN x\n#1 DONE 1.0s\n'));
    const { unmapped } = mapSteps(report.steps, parseDockerfile('FROM busybox AS app\nRUN x\n'));
    expect(unmapped).toEqual([{ id: 'app#9', reason: 'stage has no step 9' }]);
    expect(report.steps[0].lines).toBeNull();
  });
});

describe('mapSteps on the shapes BuildKit prints', () => {
  const DOCKERFILE = [
    'ARG BASE=alpine:3.20', //                                    1
    'FROM ${BASE} AS build', //                                   2
    'WORKDIR /src', //                                            3
    'RUN --mount=type=cache,target=/root/.npm \\', //             4
    '    npm ci', //                                              5
    'COPY <<EOF /etc/motd', //                                    6
    'hello', //                                                   7
    'EOF', //                                                     8
    '', //                                                        9
    'FROM build AS test', //                                      10
    'RUN npm test', //                                            11
    '', //                                                        12
    'FROM scratch', //                                            13
    'COPY --from=build /src/dist /', //                           14
  ].join('\n');
  const parsed = parseDockerfile(DOCKERFILE);

  test.each([
    ['[build 1/4] FROM docker.io/library/alpine:3.20', 'build#1', { start: 2, end: 2 }],
    ['[build 3/4] RUN --mount=type=cache,target=/root/.npm npm ci', 'build#3', { start: 4, end: 5 }],
    ['[build 4/4] COPY <<EOF /etc/motd', 'build#4', { start: 6, end: 8 }],
    ['[test 1/1] RUN npm test', 'test#1', { start: 11, end: 11 }],
    [
      '[linux/arm64 build 3/4] RUN --mount=type=cache,target=/root/.npm npm ci',
      'linux/arm64/build#3',
      { start: 4, end: 5 },
    ],
    // FROM scratch is no step: the COPY is 1/1.
    [
      '[api linux/amd64 stage-2 1/1] COPY --from=build /src/dist /',
      'api/linux/amd64/stage-2#1',
      { start: 14, end: 14 },
    ],
  ])('%s', (name, id, lines) => {
    const log = `#1 [api internal] load build definition from Dockerfile\n#1 DONE 0.0s\n\n#2 ${name}\n#2 DONE 1.0s\n`;
    const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed } });
    expect(report.dockerfile!.unmapped).toEqual([]);
    expect(report.steps[0]).toMatchObject({ id, lines });
  });

  test('an instruction that does not match its place is reported, not guessed', () => {
    const report = buildReport(parseText('#1 [build 3/4] COPY . .\n#1 DONE 1.0s\n'), {
      dockerfile: { path: 'Dockerfile', parsed },
    });
    expect(report.dockerfile!.unmapped).toEqual([
      { id: 'build#3', reason: 'step 3 is RUN in the Dockerfile, COPY in the log' },
    ]);
  });

  test('the FROM of an ARG-parameterised base resolves the ARG default (or a given build-arg)', () => {
    expect(parsed.stages[0].base).toBe('alpine:3.20');
    expect(parseDockerfile(DOCKERFILE, { buildArgs: { BASE: 'debian:12' } }).stages[0].base).toBe('debian:12');
    expect(parsed.stages[1]).toMatchObject({ base: 'build', baseIsStage: true });
  });

  test('RUN --mount from= and COPY --from are what a step reads', () => {
    const df = parseDockerfile(
      'FROM a AS x\nRUN true\nFROM b\nRUN --mount=type=bind,from=x,target=/x cat /x/y\nCOPY --from=x /a /b\nCOPY src/ ./\n',
    );
    expect(df.stages[1].steps.map((s) => [s.keyword, s.from, s.sources])).toEqual([
      ['FROM', [], []],
      ['RUN', ['x'], []],
      ['COPY', ['x'], []],
      ['COPY', [], ['src/']],
    ]);
  });
});

describe('numbering as BuildKit 0.8 does it', () => {
  test('`WORKDIR /` counts in n but gets no number; every step of a real build maps (fixtures/image)', () => {
    const path = fixture('dockerfiles', 'sizes-instructions', 'Dockerfile');
    const parsed = parseDockerfile(readFileSync(path, 'utf8'));
    expect(parsed.stages[0].total).toBe(12);
    expect(parsed.stages[0].steps).toHaveLength(11);
    const report = buildReport(parseText(readFileSync(fixture('image', 'sizes-instructions', 'build.plain.log'))), {
      dockerfile: { path, parsed },
    });
    expect(report.dockerfile!.unmapped).toEqual([]);
    expect(report.steps.find((s) => s.text === 'WORKDIR rel')?.lines).toEqual({ start: 12, end: 12 });
  });

  test('FROM scratch is no step', () => {
    const parsed = parseDockerfile('FROM busybox AS b\nRUN true\nFROM scratch\nCOPY --from=b /bin/busybox /busybox\n');
    expect(parsed.stages[1]).toMatchObject({ total: 1, steps: [expect.objectContaining({ keyword: 'COPY' })] });
  });
});
