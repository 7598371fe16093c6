// Property tests of the Dockerfile mapping (issue 7, item 2): Dockerfiles built from instruction
// arbitraries (multi-stage, FROM with AS/ARGs/--platform/scratch/a stage, RUN with continuations,
// comments and --mount, COPY/ADD with --from, heredocs, WORKDIR including `/`, ENV/ARG/USER/CMD...,
// comments, blank lines, lower-case keywords, `# escape=`\``) parse without throwing and are numbered
// as BuildKit numbers them; a log printed from the parsed stages maps every step onto its lines;
// labels with noise end up in `unmapped`, never in a throw.
import fc from 'fast-check';
import { buildReport } from '../../src/pipeline/build-report.js';
import { analyzeBuild } from '../../src/analysis/index.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import {
  DOCKERFILES,
  FIXED_NOW,
  PLAIN_LOGS,
  RAWJSON_LOGS,
  REPRO,
  bounded,
  checkAnalysis,
  checkReport,
  dockerfileSpecArb,
  fuzzParams,
  insertBytesArb,
  jestTimeout,
  labelNoiseArb,
  mutate,
  parseChunks,
  permute,
  renderDockerfile,
  pickShared,
  sharedGroups,
  syntheticPlainLog,
  syntheticRawjsonLog,
  syntheticSteps,
  type Mutation,
} from './arbitraries.js';

const PATH = '/tmp/fuzz/Dockerfile';
const swapsArb = fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 });

describe('Dockerfile mapping', () => {
  const T = 1000; // time bound of each property (ms): past it, fast-check stops with a success

  test(
    'random Dockerfiles parse without throwing, numbered as BuildKit numbers them, each step on its lines',
    async () => {
      await fc.assert(
        fc.asyncProperty(dockerfileSpecArb, async (spec) => {
          const gen = renderDockerfile(spec);
          const parsed = await bounded('parseDockerfile', () => parseDockerfile(gen.text));
          const got = parsed.stages.map((s) => ({
            name: s.name,
            total: s.total,
            steps: s.steps.map((i) => ({ keyword: i.keyword, lines: i.lines })),
          }));
          const want = gen.stages.map((s) => ({
            name: s.name,
            total: s.total,
            steps: s.steps.map((i) => ({ keyword: i.keyword, lines: i.lines })),
          }));
          expect(got).toEqual(want);
        }),
        fuzzParams('dockerfile numbering', 100, T),
      );
    },
    jestTimeout(T),
  );

  test(
    "a log printed from the parsed stages (plain or rawjson, any order) maps with nothing unmapped, each step on its instruction's lines",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          dockerfileSpecArb,
          swapsArb,
          fc.boolean(),
          fc.constantFrom('plain' as const, 'rawjson' as const),
          async (spec, swaps, omitLastName, format) => {
            const gen = renderDockerfile(spec);
            const parsed = parseDockerfile(gen.text);
            const steps = permute(syntheticSteps(parsed, [], omitLastName), swaps);
            const log = format === 'plain' ? syntheticPlainLog(steps) : syntheticRawjsonLog(steps);
            const report = await bounded('map', () =>
              buildReport(parseChunks([log], format), {
                now: FIXED_NOW,
                dockerfile: { path: PATH, parsed, text: gen.text },
              }),
            );
            checkReport(report);
            expect(report.dockerfile?.unmapped).toEqual([]);
            expect(report.steps).toHaveLength(steps.length);
            const byName = new Map(report.steps.map((s) => [s.name, s]));
            for (const s of steps) {
              const step = byName.get(s.name);
              expect({ name: s.name, lines: step?.lines }).toEqual({
                name: s.name,
                lines: parsed.stages[s.stage].steps[s.index].lines,
              });
              // and those are the lines the generator wrote the instruction on
              expect(step?.lines).toEqual(gen.stages[s.stage].steps[s.index].lines);
            }
            await bounded('analyzeBuild', () =>
              analyzeBuild(report, {
                dockerfile: { path: PATH, text: gen.text, parsed },
                contextDir: null,
              }),
            );
            checkAnalysis(report);
          },
        ),
        fuzzParams('dockerfile mapping', 80, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'label noise (unknown stage, index past the end or 0, another instruction, random text) gives unmapped entries, never a throw',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          dockerfileSpecArb,
          fc.array(labelNoiseArb, { minLength: 1, maxLength: 12 }),
          swapsArb,
          fc.constantFrom('plain' as const, 'rawjson' as const),
          async (spec, noise, swaps, format) => {
            const gen = renderDockerfile(spec);
            const parsed = parseDockerfile(gen.text);
            const steps = permute(syntheticSteps(parsed, noise, false), swaps);
            const log = format === 'plain' ? syntheticPlainLog(steps) : syntheticRawjsonLog(steps);
            const report = await bounded('map', () =>
              buildReport(parseChunks([log], format), {
                now: FIXED_NOW,
                dockerfile: { path: PATH, parsed, text: gen.text },
              }),
            );
            checkReport(report);
            const unmapped = new Set(report.dockerfile!.unmapped.map((u) => u.id));
            // a vertex's name identifies it here (the synthetic log names each once, noise aside)
            const byName = new Map<string, (typeof report.steps)[number][]>();
            for (const s of report.steps) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
            for (const s of steps) {
              if (s.noise.k === 'none' || s.noise.k === 'random') continue;
              for (const step of byName.get(s.name) ?? []) {
                expect({ name: s.name, noise: s.noise.k, unmapped: unmapped.has(step.id), lines: step.lines }).toEqual({
                  name: s.name,
                  noise: s.noise.k,
                  unmapped: true,
                  lines: null,
                });
              }
            }
            await bounded('analyzeBuild', () =>
              analyzeBuild(report, {
                dockerfile: { path: PATH, text: gen.text, parsed },
                contextDir: null,
              }),
            );
            checkAnalysis(report);
          },
        ),
        fuzzParams('dockerfile noise', 80, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'real Dockerfiles and random text, mutated (cut, lines swapped/duplicated/dropped, bytes inserted): parse and mapping of real logs never throw',
    async () => {
      const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
        fc.record({ kind: fc.constant('cut' as const), from: fc.nat(), to: fc.nat() }),
        fc.record({
          kind: fc.constant('swap' as const),
          swaps: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }),
        }),
        fc.record({
          kind: fc.constant('duplicate' as const),
          at: fc.nat(),
          count: fc.integer({ min: 1, max: 4 }),
          times: fc.integer({ min: 1, max: 2 }),
        }),
        fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: insertBytesArb }),
        fc.record({
          kind: fc.constant('insert' as const),
          at: fc.nat(),
          bytes: fc
            .constantFrom(
              '\\\n',
              '`\n',
              '<<EOF\n',
              '\nEOF\n',
              '# escape=`\n',
              'FROM ',
              ' AS ',
              '--from=',
              '${',
              '$',
              '\n\n',
              '\r\n',
            )
            .map((s) => Buffer.from(s)),
        }),
      );
      const textArb = fc.oneof(
        fc
          .record({ df: fc.constantFrom(...DOCKERFILES), ms: fc.array(mutationArb, { minLength: 1, maxLength: 6 }) })
          .map(({ df, ms }) => mutate(Buffer.from(df.text), ms, 'lines').toString('utf8')),
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
      );
      const logArb = fc.constantFrom(...PLAIN_LOGS, ...RAWJSON_LOGS);
      await fc.assert(
        fc.asyncProperty(textArb, logArb, async (text, log) => {
          const parsed = await bounded('parseDockerfile', () => parseDockerfile(text));
          const report = buildReport(parseChunks([log.bytes]), {
            now: FIXED_NOW,
            dockerfile: { path: PATH, parsed, text },
          });
          checkReport(report);
          await bounded('analyzeBuild', () =>
            analyzeBuild(report, { dockerfile: { path: PATH, text, parsed }, contextDir: null }),
          );
          checkAnalysis(report);
        }),
        fuzzParams('dockerfile mutated', 100, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'a step several stages share, printed once under any of their labels, is filed under the first stage: same id and lines whichever label BuildKit picked',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          dockerfileSpecArb,
          fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
          swapsArb,
          async (spec, picksA, picksB, swaps) => {
            const gen = renderDockerfile(spec);
            // A last stage that copies from every other: they are all in the build (a stage nothing
            // reads lends no label, see test/dockerfile/map-steps.test.ts).
            const copies = spec.stages.map((_, i) => `COPY --from=${i} /x /x${i}\n`).join('');
            const text = `${gen.text}FROM scratch AS everything\n${copies}`;
            const parsed = parseDockerfile(text);
            const groups = sharedGroups(parsed);
            const all = syntheticSteps(parsed, [], false);
            const report = (picks: number[]) => {
              const chosen = new Set(pickShared(groups, picks).map((p) => `${p.stage}:${p.index}`));
              const steps = permute(
                all.filter((s) => chosen.has(`${s.stage}:${s.index}`)),
                swaps,
              );
              const r = buildReport(parseChunks([syntheticPlainLog(steps)], 'plain'), {
                now: FIXED_NOW,
                dockerfile: { path: PATH, parsed, text },
              });
              checkReport(r);
              expect(r.dockerfile?.unmapped).toEqual([]);
              return r.steps.map((s) => ({ id: s.id, lines: s.lines })).sort((a, b) => a.id.localeCompare(b.id));
            };
            const first = groups
              .map((g) => g[0])
              .map(({ stage, index }) => {
                const st = parsed.stages[stage];
                return { id: `${st.name ?? `stage-${st.position}`}#${index + 1}`, lines: st.steps[index].lines };
              })
              .sort((a, b) => a.id.localeCompare(b.id));
            expect(report(picksA)).toEqual(first);
            expect(report(picksB)).toEqual(first);
          },
        ),
        fuzzParams('dockerfile shared', 80, T),
      );
    },
    jestTimeout(T),
  );

  test(
    'COPY/ADD sources are the context paths written: shell or JSON form, none with --from or for a heredoc',
    async () => {
      await fc.assert(
        fc.asyncProperty(dockerfileSpecArb, async (spec) => {
          const gen = renderDockerfile(spec);
          const parsed = parseDockerfile(gen.text);
          gen.stages.forEach((stage, si) =>
            stage.steps.forEach((want, i) => {
              if (want.sources === null) return;
              const got = parsed.stages[si].steps[i];
              expect({ line: got.lines.start, text: got.text, sources: got.sources }).toEqual({
                line: want.lines.start,
                text: got.text,
                sources: want.sources,
              });
            }),
          );
        }),
        fuzzParams('dockerfile sources', 100, T),
      );
    },
    jestTimeout(T),
  );

  // Regressions the properties above found, as minimal cases.

  test('a lone CR breaks a line, as dockerfile-ast reads it: steps keep their text and lines', () => {
    expect(() => parseDockerfile('\rW')).not.toThrow();
    const parsed = parseDockerfile(REPRO.dockerfileLoneCr); // 'FROM a\rRUN b\rRUN c\n'
    expect(parsed.stages[0].steps.map((i) => [i.text, i.lines.start])).toEqual([
      ['FROM a', 1],
      ['RUN b', 2],
      ['RUN c', 3],
    ]);
  });

  test('a shared step is not filed under the id of a step printed under that label but unmapped: ids stay unique', () => {
    // Stages a and b start alike (busybox, RUN one). The log's `[a 2/3]` is ADD where the Dockerfile
    // has RUN (a Dockerfile edited since the build): unmapped, id a#2. `[b 2/2] RUN one` keeps b#2.
    const parsed = parseDockerfile(REPRO.sharedRelabelDockerfile);
    const report = buildReport(parseChunks([REPRO.sharedRelabelLog], 'plain'), {
      now: FIXED_NOW,
      dockerfile: { path: PATH, parsed },
    });
    expect(report.steps.map((s) => s.id)).toEqual(['a#3', 'a#2', 'b#2']);
  });

  test('an ARG name with a regex character is taken literally by root causes and suggestions', async () => {
    // 'FROM a\nARG X(\nRUN echo\n'
    const text = REPRO.argNameDockerfile;
    const parsed = parseDockerfile(text);
    const log = '#1 [1/2] FROM a\n#1 DONE 0.1s\n\n#2 [2/2] RUN echo\n#2 DONE 1.0s\n';
    const report = buildReport(parseChunks([log], 'plain'), { now: FIXED_NOW, dockerfile: { path: PATH, parsed } });
    await expect(
      analyzeBuild(report, { dockerfile: { path: PATH, text, parsed }, contextDir: null }),
    ).resolves.toBeUndefined();
    const empty = buildReport(parseChunks([''], 'plain'), { now: FIXED_NOW });
    await expect(
      analyzeBuild(empty, { dockerfile: { path: PATH, text, parsed }, contextDir: null }),
    ).resolves.toBeUndefined();
  });

  test("a shared step's id and lines do not depend on the stage BuildKit printed it under, even when the first stage printed no step", () => {
    // deps = FROM busybox, RUN echo deps; test starts the same. BuildKit runs the two steps once and
    // prints them as [deps i/2] in one build, [test i/3] in another: both are deps#1 and deps#2.
    const parsed = parseDockerfile(REPRO.sharedStageDockerfile);
    const ids = (log: string) =>
      buildReport(parseChunks([log], 'plain'), { now: FIXED_NOW, dockerfile: { path: PATH, parsed } }).steps.map(
        (s) => [s.id, s.lines?.start],
      );
    expect(ids(REPRO.sharedStageLogB)).toEqual(ids(REPRO.sharedStageLogA));
  });

  test('COPY sources: none for a heredoc, the JSON strings but the last for the JSON form', () => {
    const steps = parseDockerfile(REPRO.copySourcesDockerfile).stages[0].steps;
    expect(steps.map((i) => i.sources)).toEqual([[], [], ['package.json', 'src/']]);
  });
});
