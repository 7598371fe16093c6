// Property tests for the Dockerfile side: random Dockerfiles parse; the log BuildKit would print for
// them maps back onto every instruction's lines; label noise gives unmapped steps, never a throw.
import fc from 'fast-check';
import { analyzeBuild } from '../../src/analysis/index.js';
import { parseDockerfile, type Dockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/model/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { checkInvariants } from './invariants.js';

const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const path = fc.stringMatching(/^[a-z0-9_./-]{1,12}$/);

const instruction = fc.oneof(
  word.map((w) => `RUN echo ${w}`),
  fc.tuple(word, word).map(([a, b]) => `RUN echo ${a} \\\n    && echo ${b}`),
  word.map((w) => `RUN --mount=type=cache,target=/root/.cache echo ${w}`),
  fc.tuple(path, path).map(([a, b]) => `COPY ${a} /${b}`),
  fc.tuple(path, path).map(([a, b]) => `ADD ${a} /${b}/`),
  path.map((p) => `WORKDIR /${p}`),
  fc.constant('WORKDIR /'),
  word.map((w) => `ENV ${w.toUpperCase()}=1`),
  word.map((w) => `ARG ${w.toUpperCase()}=x`),
  fc.constant('USER root'),
  fc.constant('CMD ["sh"]'),
  word.map((w) => `# ${w}`),
  fc.constant(''),
  word.map((w) => `COPY <<EOF /${w}\nhello\nEOF`),
);

/** A Dockerfile of 1–4 stages; later stages may start FROM an earlier one, COPY --from it, or be scratch. */
const dockerfileText = fc
  .array(fc.tuple(fc.array(instruction, { maxLength: 8 }), fc.nat(3), fc.boolean()), { minLength: 1, maxLength: 4 })
  .map(
    (stages) =>
      [
        'ARG BASE=busybox',
        ...stages.flatMap(([body, kind, copy], i) => {
          const from =
            i === 0
              ? 'FROM ${BASE}:1 AS s0'
              : kind === 0
                ? `FROM s${i - 1} AS s${i}`
                : kind === 1
                  ? `FROM scratch AS s${i}`
                  : `FROM alpine:3 AS s${i}`;
          return ['', from, ...(i > 0 && copy ? [`COPY --from=s${i - 1} /a /a`] : []), ...body];
        }),
      ].join('\n') + '\n',
  );

/** The plain log BuildKit prints for a Dockerfile: each numbered step with its `[stage i/n]` label. */
function logFor(df: Dockerfile): string {
  const out: string[] = [];
  let n = 1;
  for (const stage of df.stages) {
    const name = stage.name ?? `stage-${stage.position}`;
    stage.steps.forEach((inst, i) => {
      const text = inst.keyword === 'FROM' ? `FROM docker.io/library/${stage.base}` : inst.text;
      out.push(`#${n} [${name} ${i + 1}/${stage.total}] ${text}`, `#${n} DONE 0.1s`, '');
      n++;
    });
  }
  return out.join('\n');
}

describe('Dockerfile mapping', () => {
  test('every step of the log BuildKit would print maps back to its instruction', async () => {
    await fc.assert(
      fc.asyncProperty(dockerfileText, async (text) => {
        const parsed = parseDockerfile(text);
        const report = buildReport(parseText(logFor(parsed)), { dockerfile: { path: 'Dockerfile', parsed, text } });
        expect(report.dockerfile!.unmapped).toEqual([]);
        const expected = parsed.stages.flatMap((s) => s.steps.map((i) => i.lines.start));
        expect(report.steps.map((s) => s.lines?.start)).toEqual(expected);
        await analyzeBuild(report, {
          dockerfile: parsed,
          dockerfileSource: { path: 'Dockerfile', text },
          contextDir: null,
        });
        checkInvariants(report);
      }),
      { numRuns: 150, interruptAfterTimeLimit: 20_000 },
    );
  });

  test('labels that do not fit the Dockerfile are unmapped, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        dockerfileText,
        fc.array(fc.tuple(word, fc.nat(20), fc.nat(20), word), { maxLength: 20 }),
        async (text, noise) => {
          const parsed = parseDockerfile(text);
          const log = noise
            .map(([stage, i, n, cmd], k) => `#${k + 1} [${stage} ${i}/${n}] RUN ${cmd}\n#${k + 1} DONE 0.1s\n`)
            .join('\n');
          const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed, text } });
          await analyzeBuild(report, {
            dockerfile: parsed,
            dockerfileSource: { path: 'Dockerfile', text },
            contextDir: null,
          });
          checkInvariants(report);
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 20_000 },
    );
  });

  test('arbitrary text parses as a Dockerfile without a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        parseDockerfile(text);
      }),
      { numRuns: 300 },
    );
  });
});
