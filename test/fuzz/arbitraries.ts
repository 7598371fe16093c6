// Arbitraries, mutations and invariant checks shared by the fuzz and property tests (issue 7, item 2).
//
// Runs are deterministic by default: every property gets a fixed seed derived from its name, so a
// failure reproduces on every machine. Each stops after its numRuns, or (as a success) after its
// time limit on a slow machine: the unit project stays fast. To explore, set FUZZ_SEED=random (or a number) and
// FUZZ_SCALE=10 (runs multiplied, time limits too); fast-check prints the seed and the shrunk
// counterexample of a failure, which `FUZZ_SEED=<seed>` replays.
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createParser, type ProgressFormat } from '../../src/progress/index.js';
import { DETECT_LIMIT } from '../../src/progress/detect.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { STEP_STATUSES, type BuildReport } from '../../src/model/report.js';
import { analyzeBuild } from '../../src/analysis/index.js';
import { parseDockerfile, type Dockerfile } from '../../src/dockerfile/parse.js';
import { fixture, listFixtures } from '../support/fixtures.js';
import { loadShell } from '../../src/dockerfile/shell.js';

// The suggestions' shell parser (WebAssembly) loads once, here, not inside the first time-bounded property.
await loadShell();

// ---------------------------------------------------------------------------------------------
// Run sizing

const SCALE = Number(process.env.FUZZ_SCALE ?? '1') || 1;
/** Longest a single case may take before it counts as a hang (ms). Real cases take milliseconds. */
export const CASE_BOUND_MS = Number(process.env.FUZZ_CASE_MS ?? '15000');

function seedFor(name: string): number | undefined {
  const env = process.env.FUZZ_SEED;
  if (env === 'random') return undefined;
  if (env !== undefined && env !== '') return Number(env);
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h | 0;
}

/** fast-check parameters: `numRuns` runs, stopped (as a success) after `timeMs`. */
export function fuzzParams(name: string, numRuns: number, timeMs: number): fc.Parameters<unknown> {
  return {
    numRuns: Math.max(1, Math.round(numRuns * SCALE)),
    seed: seedFor(name),
    plugins: [fc.interruptAfterTimeLimit(timeMs * SCALE)],
  } as fc.Parameters<unknown>;
}

/** Jest timeout of a property that fast-check stops after `timeMs`: room for shrinking a failure. */
export function jestTimeout(timeMs: number): number {
  return timeMs * SCALE + 2 * CASE_BOUND_MS + 30_000;
}

/** Runs one case and fails it when it takes longer than CASE_BOUND_MS (a hang, or quadratic work). */
export async function bounded<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  if (ms > CASE_BOUND_MS) throw new Error(`${what} took ${Math.round(ms)} ms (bound ${CASE_BOUND_MS} ms)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Real inputs

export interface LogFixture {
  name: string;
  bytes: Buffer;
  /** The Dockerfile the log was built from, when it is in fixtures/dockerfiles. */
  dockerfile: { path: string; text: string } | null;
}

/** Shows a fixture by its name in counterexamples (not its bytes). */
function named<T extends { name: string }>(o: T): T {
  return Object.assign(o, { [fc.toStringMethod]: () => `fixture(${JSON.stringify(o.name)})` });
}

/** Shows an input in counterexamples by its size and head, not as a byte dump. */
export function shown(buf: Buffer): Buffer {
  const head = JSON.stringify(buf.subarray(0, 200).toString('latin1'));
  return Object.assign(buf, {
    [fc.toStringMethod]: () => `<${buf.length} bytes: ${head}${buf.length > 200 ? '…' : ''}>`,
  });
}

function recordedDockerfile(name: string): LogFixture['dockerfile'] {
  const dir = name.replace(/-[a-z]+\.(?:plain\.log|rawjson)$/, '');
  const path = fixture('dockerfiles', dir, 'Dockerfile');
  return existsSync(path) ? { path, text: readFileSync(path, 'utf8') } : null;
}

export const PLAIN_LOGS: LogFixture[] = [
  ...listFixtures('corpus', '.log').map((f) =>
    named({ name: `corpus/${f}`, bytes: readFileSync(fixture('corpus', f)), dockerfile: null }),
  ),
  ...listFixtures('recorded', '.plain.log').map((f) =>
    named({ name: `recorded/${f}`, bytes: readFileSync(fixture('recorded', f)), dockerfile: recordedDockerfile(f) }),
  ),
];

export const RAWJSON_LOGS: LogFixture[] = listFixtures('recorded', '.rawjson').map((f) =>
  named({ name: `recorded/${f}`, bytes: readFileSync(fixture('recorded', f)), dockerfile: recordedDockerfile(f) }),
);

export const DOCKERFILES: { path: string; text: string }[] = [
  ...readdirSync(fixture('dockerfiles'))
    .map((d) => fixture('dockerfiles', d, 'Dockerfile'))
    .filter((p) => existsSync(p)),
  ...listFixtures('dockerfiles-good', '.Dockerfile').map((f) => fixture('dockerfiles-good', f)),
]
  .sort()
  .map((path) => named({ name: path.slice(path.indexOf('fixtures/')), path, text: readFileSync(path, 'utf8') }));

/** Which Dockerfile a fuzzed log is mapped onto: none, its own, or an unrelated one. */
export type DockerfileChoice = { kind: 'none' } | { kind: 'own' } | { kind: 'other'; index: number };

export const dockerfileChoiceArb: fc.Arbitrary<DockerfileChoice> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'own' as const }),
  fc.nat({ max: DOCKERFILES.length - 1 }).map((index) => ({ kind: 'other' as const, index })),
);

export function dockerfileFor(log: LogFixture, choice: DockerfileChoice): { path: string; text: string } | null {
  if (choice.kind === 'none') return null;
  if (choice.kind === 'own') return log.dockerfile;
  return DOCKERFILES[choice.index];
}

// ---------------------------------------------------------------------------------------------
// Byte mutations of real logs

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** Bytes that are not UTF-8: lone lead/continuation bytes, cut sequences, overlongs, surrogates, 5-byte forms. */
export const invalidUtf8Arb: fc.Arbitrary<Uint8Array> = fc
  .constantFrom(
    [0xff],
    [0xfe],
    [0x80],
    [0xbf],
    [0xc3],
    [0xe2, 0x82],
    [0xf0, 0x9f, 0x98],
    [0xc0, 0x80],
    [0xe0, 0x80, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xe2, 0x0a, 0x82], // a cut sequence around a newline
  )
  .map((b) => Uint8Array.from(b));

/** C0/C1 control characters (C1 both as raw bytes and UTF-8 encoded), NUL, DEL, CR, form feed. */
export const controlArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 31 }), fc.constant(127)), { minLength: 1, maxLength: 4 })
    .map((b) => Uint8Array.from(b)),
  fc.integer({ min: 0x80, max: 0x9f }).map((c) => enc(String.fromCharCode(c))),
  fc.constantFrom('\r', '\r\r\n', '\f', '\v', '\u0000', '\u2028', '\u2029', '\ufeff', '\ufffd').map(enc),
);

/** Terminal sequences: colours, cursor moves, line erases, OSC links and titles, and cut ones. */
export const ansiArb: fc.Arbitrary<Uint8Array> = fc
  .constantFrom(
    '\u001b[31m',
    '\u001b[0m',
    '\u001b[1;32;40m',
    '\u001b[2K',
    '\u001b[1A',
    '\u001b[?25l',
    '\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007',
    '\u001b]0;title\u001b\\',
    '\u001b',
    '\u001b[',
    '\u001b[999999999999999999999m',
    '\u009b31m',
    '\u001bc',
    '\u001b(B',
  )
  .map(enc);

/** Tokens of both formats, dropped anywhere: they make the parsers change state in odd places. */
export const structuralArb: fc.Arbitrary<Uint8Array> = fc
  .constantFrom(
    '\n',
    '\n\n',
    '#',
    '#0 ',
    '#1 ',
    '#12 ',
    ' DONE 1.5s',
    ' CACHED',
    ' CANCELED',
    ' ERROR: boom',
    ' ...',
    '------\n',
    '--------------------\n',
    ' > [2/3] RUN x:\n',
    'ERROR: failed to solve\n',
    '1 warning found\n - Foo: bar (line 3)\n',
    '2024-05-02T10:11:12.1234567Z ',
    '{',
    '}',
    '[',
    ']',
    '"',
    ',',
    '\\',
    '"vertexes":',
    '{"vertexes":[',
    '"started":"2024-01-01T00:00:00Z"',
  )
  .map(enc);

export const insertBytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  invalidUtf8Arb,
  controlArb,
  ansiArb,
  structuralArb,
  fc.uint8Array({ minLength: 1, maxLength: 48 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(enc),
);

const ISO_DATE = fc
  .oneof(
    fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.date({ noInvalidDate: true }),
  )
  .map((d) => d.toISOString());

const rawTimeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: ISO_DATE },
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    '2024-01-01T00:00:00.123456789Z',
    'not a date',
    '',
    0,
    null,
    -1,
    1e308,
  ),
);

const DIGESTS = ['sha256:aaaa', 'sha256:bbbb', 'sha256:cccc', 'sha256:dddd', '', 'x'];
const noisyNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '[internal] load build definition from Dockerfile',
    '[stage-0 1/3] FROM docker.io/library/alpine:3',
    '[build 2/4] RUN make',
    '[build 2/4] COPY . .',
    '[linux/arm64 build 3/4] RUN go build',
    '[api internal] load metadata',
    '[api builder 2/5] RUN x',
    '[ 1/1] RUN y',
    '[] RUN',
    '[a b c d 9999999999999999999999/0] RUN z',
    '[0/0] FROM scratch',
    'FROM alpine',
    'docker-image://docker.io/library/alpine:3',
    'exporting to image',
    '[',
    ']',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

/** One SolveStatus record (and sometimes a deliberately malformed one), as a JSON line. */
export const rawRecordArb: fc.Arbitrary<string> = fc
  .record(
    {
      vertexes: fc.array(
        fc.record(
          {
            digest: fc.oneof(fc.constantFrom(...DIGESTS), fc.string({ maxLength: 8 })),
            name: noisyNameArb,
            inputs: fc.oneof(fc.array(fc.constantFrom(...DIGESTS), { maxLength: 3 }), fc.constant('nope')),
            started: rawTimeArb,
            completed: rawTimeArb,
            cached: fc.oneof(fc.boolean(), fc.constant('yes')),
            error: fc.oneof(fc.constantFrom('boom', 'context canceled', 'x: context canceled', ''), fc.nat()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 4 },
      ),
      statuses: fc.array(
        fc.record(
          {
            id: fc.constantFrom('transferring context', 'sha256:layer', 'extracting', ''),
            vertex: fc.constantFrom(...DIGESTS),
            current: fc.oneof(fc.nat(), fc.double(), fc.constant('1')),
            total: fc.oneof(fc.nat(), fc.double(), fc.constant(-1)),
            completed: rawTimeArb,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      logs: fc.array(
        fc.record(
          {
            vertex: fc.constantFrom(...DIGESTS),
            data: fc.oneof(
              fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')),
              fc.string(),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      warnings: fc.array(
        fc.record(
          {
            vertex: fc.constantFrom(...DIGESTS),
            short: fc.string({ maxLength: 30 }).map((s) => Buffer.from(`${s} (line 3)`).toString('base64')),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  )
  .map((r) => JSON.stringify(r));

const plainNumArb = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(0, 1, 99999999999, 2 ** 53 + 1));

/** One plain progress line, well- or ill-formed, as BuildKit's printer might have written it. */
export const plainLineArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.constant(''),
      fc.constant('2024-05-02T10:11:12.1234567Z '),
      ISO_DATE.map((d) => `${d} `),
    ),
    plainNumArb,
    fc.oneof(
      noisyNameArb,
      fc.constantFrom(
        'DONE 0.1s',
        'DONE 999999999999999999999999999999999999999999s',
        'DONE',
        'DONE -1s',
        'CACHED',
        'CANCELED',
        'ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1',
        'ERROR',
        '...',
        'WARN: FromAsCasing: x (line 1)',
        'sha256:' + 'a'.repeat(64),
        'transferring context: 88.68MB 1.2s done',
        'transferring context: 1.5GiB / 2.0GiB 3.0s',
        '0.123 some output',
        '12.5 ',
        '8527.6',
      ),
    ),
  )
  .map(([ts, n, rest]) => `${ts}#${n} ${rest}`);

export type Mutation =
  /** Keep bytes [from, to) only: any byte, inside a UTF-8 character too. Positions are taken modulo the length. */
  | { kind: 'cut'; from: number; to: number }
  /** Swap blocks (plain: text between blank lines; rawjson: lines). */
  | { kind: 'swap'; swaps: [number, number][] }
  | { kind: 'duplicate'; at: number; count: number; times: number }
  | { kind: 'drop'; at: number; count: number }
  /** Insert bytes at a byte position. */
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  /** Insert a whole line (garbage, or a plausible line of either format) before line `at`. */
  | { kind: 'line'; at: number; line: Uint8Array }
  /** Replace the n-th run of digits (times, #N, sizes, indices) by other digits. */
  | { kind: 'number'; at: number; digits: string };

const pos = fc.nat();
/** Digits the number mutation writes: past 308 digits a number is Infinity as a double. */
const HUGE_DIGITS = '9'.repeat(400);

export function mutationArb(format: ProgressFormat): fc.Arbitrary<Mutation> {
  const lineArb = fc.oneof(
    { weight: 3, arbitrary: format === 'plain' ? plainLineArb : rawRecordArb },
    { weight: 1, arbitrary: format === 'plain' ? rawRecordArb : plainLineArb },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  );
  return fc.oneof(
    fc.record({ kind: fc.constant('cut' as const), from: pos, to: pos }),
    fc.record({
      kind: fc.constant('swap' as const),
      swaps: fc.array(fc.tuple(pos, pos), { minLength: 1, maxLength: 8 }),
    }),
    fc.record({
      kind: fc.constant('duplicate' as const),
      at: pos,
      count: fc.integer({ min: 1, max: 6 }),
      times: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ kind: fc.constant('drop' as const), at: pos, count: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: pos, bytes: insertBytesArb }),
    fc.record({
      kind: fc.constant('line' as const),
      at: pos,
      line: fc.oneof(lineArb.map(enc), fc.uint8Array({ maxLength: 80 })),
    }),
    fc.record({
      kind: fc.constant('number' as const),
      at: pos,
      digits: fc.oneof(
        fc.nat().map(String),
        fc.constantFrom('0', '00', HUGE_DIGITS, '1'.repeat(25), '4294967296', '9007199254740993'),
      ),
    }),
  );
}

const NL = 0x0a;

function splitOn(buf: Buffer, sep: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(sep, start); i !== -1; i = buf.indexOf(sep, start)) {
    parts.push(buf.subarray(start, i));
    start = i + sep.length;
  }
  parts.push(buf.subarray(start));
  return parts;
}

function joinOn(parts: Buffer[], sep: Buffer): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i) out.push(sep);
    out.push(p);
  });
  return Buffer.concat(out);
}

/** Applies mutations in order. `unit` is what `swap` moves: plain vertex blocks or rawjson lines. */
export function mutate(input: Buffer, mutations: Mutation[], unit: 'blocks' | 'lines'): Buffer {
  let buf = input;
  for (const m of mutations) {
    switch (m.kind) {
      case 'cut': {
        const a = m.from % (buf.length + 1);
        const b = m.to % (buf.length + 1);
        buf = buf.subarray(Math.min(a, b), Math.max(a, b));
        break;
      }
      case 'swap': {
        const sep = Buffer.from(unit === 'blocks' ? '\n\n' : '\n');
        const parts = splitOn(buf, sep);
        for (const [x, y] of m.swaps) {
          const i = x % parts.length;
          const j = y % parts.length;
          [parts[i], parts[j]] = [parts[j], parts[i]];
        }
        buf = joinOn(parts, sep);
        break;
      }
      case 'duplicate':
      case 'drop': {
        const nl = Buffer.from([NL]);
        const lines = splitOn(buf, nl);
        const at = m.at % lines.length;
        const picked = lines.slice(at, at + m.count);
        if (m.kind === 'drop') lines.splice(at, m.count);
        else lines.splice(at + picked.length, 0, ...Array.from({ length: m.times }, () => picked).flat());
        buf = joinOn(lines, nl);
        break;
      }
      case 'insert': {
        const at = m.at % (buf.length + 1);
        buf = Buffer.concat([buf.subarray(0, at), m.bytes, buf.subarray(at)]);
        break;
      }
      case 'line': {
        const nl = Buffer.from([NL]);
        const lines = splitOn(buf, nl);
        lines.splice(m.at % (lines.length + 1), 0, Buffer.from(m.line));
        buf = joinOn(lines, nl);
        break;
      }
      case 'number': {
        const runs: [number, number][] = [];
        for (let i = 0; i < buf.length;) {
          if (buf[i] >= 0x30 && buf[i] <= 0x39) {
            const s = i;
            while (i < buf.length && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
            runs.push([s, i]);
          } else i++;
        }
        if (!runs.length) break;
        const [s, e] = runs[m.at % runs.length];
        buf = Buffer.concat([buf.subarray(0, s), Buffer.from(m.digits), buf.subarray(e)]);
        break;
      }
    }
  }
  return buf;
}

/** GitHub Actions timestamps before every line, rising (optionally out of order), as in a job log. */
export function withTimestamps(buf: Buffer, startMs: number, stepsMs: number[]): Buffer {
  const lines = splitOn(buf, Buffer.from([NL]));
  let t = startMs;
  return joinOn(
    lines.map((l, i) => {
      t += stepsMs.length ? stepsMs[i % stepsMs.length] : 1;
      return Buffer.concat([Buffer.from(`${new Date(Math.max(0, t)).toISOString().replace('Z', '1234Z')} `), l]);
    }),
    Buffer.from([NL]),
  );
}

/** A real log of the format, mutated. */
export function mutatedLogArb(
  format: ProgressFormat,
  maxMutations = 6,
): fc.Arbitrary<{ log: LogFixture; mutations: Mutation[]; bytes: Buffer }> {
  const logs = format === 'plain' ? PLAIN_LOGS : RAWJSON_LOGS;
  return fc
    .record({
      log: fc.constantFrom(...logs),
      mutations: fc.array(mutationArb(format), { minLength: 1, maxLength: maxMutations }),
    })
    .map(({ log, mutations }) => ({
      log,
      mutations,
      bytes: shown(mutate(log.bytes, mutations, format === 'plain' ? 'blocks' : 'lines')),
    }));
}

/** Chunk sizes, cycled through to cut an input (1-byte chunks included). */
export const chunkSizesArb: fc.Arbitrary<number[]> = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4096 })),
  { minLength: 1, maxLength: 16 },
);

export function chunk<T extends Uint8Array | string>(input: T, sizes: number[]): T[] {
  const out: T[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = sizes[k % sizes.length];
    out.push(input.slice(i, i + n) as T);
    i += n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Regressions

/** Minimal inputs of the bugs these properties found; each has its own test. */
export const REPRO = {
  /** Timestamps that step back: the wall clock spans the earliest to the latest, not first to last. */
  plainTimestampsGoingBack: '2024-05-02T10:11:12.124Z #0 x\n2024-05-02T10:11:12.123Z #0 x\n',
  /** 400-digit numbers (Infinity as a double): seconds, bytes and a step index that read as none. */
  plainInfiniteDone: `#1 [a 1/1] RUN x\n#1 DONE ${'9'.repeat(400)}s\n`,
  plainInfiniteSize: `#1 [internal] load build context\n#1 transferring context: ${'9'.repeat(400)}B done\n#1 DONE 0.1s\n`,
  plainInfiniteIndex: `#1 [a ${'9'.repeat(400)}/2] RUN x\n#1 DONE 0.1s\n`,
  /** A lone CR breaks a Dockerfile line, as in dockerfile-ast. */
  dockerfileLoneCr: 'FROM a\rRUN b\rRUN c\n',
  /** A shared step is not relabelled onto the id of a step already in the report (unmapped). */
  sharedRelabelDockerfile: 'FROM busybox AS a\nRUN one\nCOPY f /f\nFROM busybox AS b\nRUN one\n',
  sharedRelabelLog:
    '#1 [a 3/3] COPY f /f\n#1 DONE 0.1s\n\n#2 [a 2/3] ADD x y\n#2 DONE 0.1s\n\n#3 [b 2/2] RUN one\n#3 DONE 0.1s\n',
  /** An ARG name with a regex character, which root causes and arg-placement look for in RUNs. */
  argNameDockerfile: 'FROM a\nARG X(\nRUN echo\n',
  /** A telling line past DETECT_LIMIT: never read, in one chunk or many. */
  detectPreamble: Buffer.concat([
    Buffer.from('\n'.repeat(2 << 20)),
    Buffer.from(
      '{"vertexes":[{"digest":"sha256:d","name":"[a 1/1] RUN x","started":"2024-01-01T00:00:00Z","completed":"2024-01-01T00:00:01Z"}]}\n',
    ),
  ]),
  /** Shared steps of a stage none of whose steps BuildKit printed under its own label (log B). */
  sharedStageDockerfile:
    'FROM busybox AS deps\nRUN echo deps\nFROM busybox AS test\nRUN echo deps\nRUN echo test\nFROM test\nCOPY --from=deps /x /x\n',
  sharedStageLogA: [
    '#1 [deps 1/2] FROM docker.io/library/busybox\n#1 DONE 0.1s\n',
    '#2 [deps 2/2] RUN echo deps\n#2 DONE 0.1s\n',
    '#3 [test 3/3] RUN echo test\n#3 DONE 0.1s\n',
    '#4 [stage-2 1/1] COPY --from=deps /x /x\n#4 DONE 0.1s\n',
  ].join('\n'),
  sharedStageLogB: [
    '#1 [test 1/3] FROM docker.io/library/busybox\n#1 DONE 0.1s\n',
    '#2 [test 2/3] RUN echo deps\n#2 DONE 0.1s\n',
    '#3 [test 3/3] RUN echo test\n#3 DONE 0.1s\n',
    '#4 [stage-2 1/1] COPY --from=deps /x /x\n#4 DONE 0.1s\n',
  ].join('\n'),
  /** COPY sources of a heredoc (none) and of the JSON form. */
  copySourcesDockerfile: 'FROM a\nCOPY <<EOF /etc/conf\nkey=value\nEOF\nCOPY ["package.json", "src/", "/app/"]\n',
};

/** What CI logs print before the progress: nothing telling (no `#N ` line, no SolveStatus record). */
export const preambleArb: fc.Arbitrary<{ kind: string; bytes: number }> = fc.record({
  kind: fc.constantFrom('blank lines', 'banner lines', 'one long line', 'ANSI lines', 'JSON that is no record'),
  bytes: fc.oneof(
    fc.integer({ min: 0, max: 4096 }),
    fc.integer({ min: DETECT_LIMIT - 4096, max: DETECT_LIMIT + 4096 }),
    fc.integer({ min: 0, max: 3 << 20 }),
  ),
});

export function preamble(p: { kind: string; bytes: number }): Buffer {
  const unit: Record<string, string> = {
    'blank lines': '\n',
    'banner lines': 'Run docker/build-push-action@v6 with: push=false\n',
    'one long line': 'x',
    'ANSI lines': '\u001b[36;1m##[group]Build\u001b[0m\n',
    'JSON that is no record': '{"level":"info","msg":"hello"}\n',
  };
  const u = unit[p.kind];
  const text = u.repeat(Math.floor(p.bytes / u.length));
  return Buffer.from(p.kind === 'one long line' ? `${text}\n` : text);
}

// ---------------------------------------------------------------------------------------------
// Pipeline and invariants

export const FIXED_NOW = new Date(0);

export function parseChunks(chunks: (string | Uint8Array)[], format?: ProgressFormat) {
  const parser = createParser(format);
  for (const c of chunks) parser.push(c);
  return parser.end();
}

export function dockerfileOpt(df: { path: string; text: string } | null) {
  return df ? { path: df.path, parsed: parseDockerfile(df.text), text: df.text } : null;
}

/** push/end, buildReport, invariants, analyzeBuild and the analysis' invariants: nothing may throw. */
export async function runPipeline(
  chunks: (string | Uint8Array)[],
  format: ProgressFormat | undefined,
  df: { path: string; text: string } | null = null,
): Promise<BuildReport> {
  const parsed = parseChunks(chunks, format);
  const dockerfile = dockerfileOpt(df);
  const report = buildReport(parsed, { now: FIXED_NOW, dockerfile });
  checkReport(report);
  await analyzeBuild(report, {
    dockerfile: df && dockerfile ? { ...df, parsed: dockerfile.parsed } : null,
    contextDir: null,
  });
  checkAnalysis(report);
  return report;
}

class InvariantError extends Error {}

function fail(message: string): never {
  throw new InvariantError(`invariant broken: ${message}`);
}

function time(what: string, n: number | null, nullable = true): void {
  if (n === null) {
    if (!nullable) fail(`${what} is null`);
    return;
  }
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`${what} is ${n}, not a finite time >= 0`);
}

function sumCounts(c: Record<string, number>): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/** The invariants every report must hold, whatever the input. */
export function checkReport(r: BuildReport): void {
  const statuses = new Set<string>(STEP_STATUSES);
  const ids = new Set<string>();
  for (const s of r.steps) {
    if (!statuses.has(s.status)) fail(`step ${s.id} has status ${String(s.status)}`);
    if (ids.has(s.id)) fail(`step id ${JSON.stringify(s.id)} is not unique`);
    ids.add(s.id);
    time(`step ${s.id} seconds`, s.seconds);
    time(`step ${s.id} share`, s.share);
    for (const n of [s.index, s.count]) {
      if (n !== null && !(Number.isFinite(n) && n >= 0)) fail(`step ${s.id} index/count ${n}`);
    }
    if (s.lines && !(s.lines.start >= 1 && s.lines.end >= s.lines.start)) {
      fail(`step ${s.id} lines ${JSON.stringify(s.lines)}`);
    }
  }
  for (const status of STEP_STATUSES) {
    const n = r.steps.filter((s) => s.status === status).length;
    if (r.totals.counts[status] !== n) fail(`totals.counts.${status} is ${r.totals.counts[status]}, steps say ${n}`);
  }
  if (Object.keys(r.totals.counts).length !== STEP_STATUSES.length) fail('totals.counts has other keys');
  if (r.totals.steps !== r.steps.length) fail(`totals.steps ${r.totals.steps} != ${r.steps.length} steps`);
  if (sumCounts(r.totals.counts) !== r.totals.steps) {
    fail(`totals: cached+ran+error+canceled+source+unfinished = ${sumCounts(r.totals.counts)} != ${r.totals.steps}`);
  }
  const keys = new Set<string>();
  const rolled = Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  let rolledSteps = 0;
  for (const stage of r.stages) {
    if (keys.has(stage.key)) fail(`stage key ${stage.key} is not unique`);
    keys.add(stage.key);
    if (sumCounts(stage.counts) !== stage.steps) {
      fail(`stage ${stage.key}: counts add up to ${sumCounts(stage.counts)}, not its ${stage.steps} steps`);
    }
    const own = r.steps.filter((s) => s.stageKey === stage.key).length;
    if (own !== stage.steps) fail(`stage ${stage.key} says ${stage.steps} steps, ${own} steps name it`);
    time(`stage ${stage.key} seconds`, stage.seconds, false);
    if (stage.cachedRatio !== null && !(stage.cachedRatio >= 0 && stage.cachedRatio <= 1)) {
      fail(`stage ${stage.key} cachedRatio ${stage.cachedRatio}`);
    }
    rolledSteps += stage.steps;
    for (const s of STEP_STATUSES) rolled[s] += stage.counts[s];
  }
  if (rolledSteps !== r.totals.steps) fail(`stages add up to ${rolledSteps} steps, totals say ${r.totals.steps}`);
  for (const s of STEP_STATUSES) {
    if (rolled[s] !== r.totals.counts[s]) fail(`stages add up to ${rolled[s]} ${s}, totals say ${r.totals.counts[s]}`);
  }
  time('totals.wallSeconds', r.totals.wallSeconds);
  time('totals.stepSeconds', r.totals.stepSeconds, false);
  time('totals.contextBytes', r.totals.contextBytes);
  if (r.totals.cachedRatio !== null && !(r.totals.cachedRatio >= 0 && r.totals.cachedRatio <= 1)) {
    fail(`totals.cachedRatio ${r.totals.cachedRatio}`);
  }
  if ((r.problems.length > 0 || r.failed) && r.complete)
    fail('complete although there are problems or the build failed');
  if (r.complete !== (r.incompleteReasons.length === 0)) fail('complete disagrees with incompleteReasons');
  for (const id of r.slowestRan) if (!ids.has(id)) fail(`slowestRan names unknown step ${id}`);
  for (const w of r.warnings)
    if (w.stepId !== null && !ids.has(w.stepId)) fail(`warning names unknown step ${w.stepId}`);
  for (const u of r.dockerfile?.unmapped ?? []) if (!ids.has(u.id)) fail(`unmapped names unknown step ${u.id}`);
  JSON.stringify(r);
}

/** What analyzeBuild adds: finite, non-negative times; ids that exist. */
export function checkAnalysis(r: BuildReport): void {
  const a = r.analysis;
  if (!a) fail('analyzeBuild left no analysis');
  const ids = new Set(r.steps.map((s) => s.id));
  time('criticalPath.seconds', a.criticalPath.seconds, false);
  for (const s of a.criticalPath.steps) {
    if (!ids.has(s.id)) fail(`critical path names unknown step ${s.id}`);
    time(`critical path step ${s.id} seconds`, s.seconds, false);
    time(`critical path step ${s.id} share`, s.share, false);
  }
  for (const c of a.rootCauses) {
    if (!ids.has(c.stepId)) fail(`root cause names unknown step ${c.stepId}`);
    time(`root cause ${c.stepId} seconds`, c.seconds, false);
  }
  for (const s of a.suggestions) time(`suggestion ${s.rule} savedSeconds`, s.savedSeconds);
  JSON.stringify(r);
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles from instruction arbitraries, with the numbering BuildKit gives them

/** What the generator knows of the file it wrote: every numbered step and its lines. */
export interface ModelStage {
  name: string | null;
  /** Numbered steps as BuildKit numbers them. */
  steps: {
    keyword: string;
    lines: { start: number; end: number };
    /** COPY/ADD: the context sources written (none with --from or a heredoc). */
    sources: string[] | null;
    form?: 'shell' | 'json' | 'heredoc';
  }[];
  total: number;
}

export interface GeneratedDockerfile {
  text: string;
  stages: ModelStage[];
}

type Body =
  | { k: 'run'; words: string[]; breaks: number[]; comment: boolean; mounts: ('cache' | 'bind' | 'secret')[] }
  | { k: 'runHeredoc'; body: string[]; dash: boolean }
  | {
      k: 'copy';
      add: boolean;
      from: number | null;
      fromImage: boolean;
      sources: string[];
      chown: boolean;
      link: boolean;
      /** `COPY ["src", "dest"]` */
      json: boolean;
    }
  | { k: 'copyHeredoc'; body: string[] }
  | { k: 'workdir'; path: string }
  | { k: 'plain'; line: string }
  | { k: 'comment'; text: string }
  | { k: 'blank' };

interface StageSpec {
  name: string | null;
  base: { kind: 'image' | 'scratch' | 'stage' | 'arg'; ref: number; platform: boolean };
  asUpper: boolean;
  body: Body[];
  /** Start as an earlier stage does (same base, its first `items` instructions): BuildKit then runs those once. */
  copyOf: { stage: number; items: number } | null;
}

const WORDS = [
  'echo',
  'hello',
  'make',
  'build',
  '&&',
  '-j4',
  'apt-get',
  'install',
  '-y',
  "'q'",
  '"x y"',
  '$HOME',
  '${V}',
];
const IMAGES = ['alpine:3.19', 'busybox', 'docker.io/library/node:20-slim', `ghcr.io/o/r@sha256:${'ab'.repeat(32)}`];
const STAGE_NAMES = ['base', 'deps', 'build', 'Builder', 'test', 'final', 'app-1', 'web_2', 'x.y'];
const SOURCES = ['package.json', 'src/', '*.go', 'go.mod', 'a.txt', '.', 'dir/sub/file'];

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('run' as const),
      words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }),
      breaks: fc.array(fc.nat({ max: 6 }), { maxLength: 3 }),
      comment: fc.boolean(),
      mounts: fc.array(fc.constantFrom('cache' as const, 'bind' as const, 'secret' as const), { maxLength: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('runHeredoc' as const),
      body: fc.array(fc.constantFrom('set -e', 'echo hi', 'make \\', '  all', '# shell comment', ''), {
        minLength: 1,
        maxLength: 4,
      }),
      dash: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('copy' as const),
      add: fc.boolean(),
      from: fc.option(fc.nat()),
      fromImage: fc.boolean(),
      sources: fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 3 }),
      chown: fc.boolean(),
      link: fc.boolean(),
      json: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('copyHeredoc' as const),
      body: fc.array(fc.constantFrom('key=value', 'x', ''), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('workdir' as const), path: fc.constantFrom('/', '/app', 'src', '/srv/x') }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('plain' as const),
      line: fc.constantFrom(
        'ENV A=1',
        'ENV B="two words" C=3',
        'ARG V',
        'ARG V=1',
        'USER 1000:1000',
        'CMD ["node", "index.js"]',
        'CMD echo hi',
        'EXPOSE 8080',
        'LABEL a="b"',
        'ENTRYPOINT ["/bin/sh"]',
        'ONBUILD RUN echo later',
        'HEALTHCHECK CMD true',
        'SHELL ["/bin/bash", "-c"]',
        'STOPSIGNAL SIGTERM',
        'VOLUME /data',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('comment' as const),
      text: fc.constantFrom('# note', '#', '#   RUN not me'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'blank' as const }) },
);

const stageSpecArb: fc.Arbitrary<StageSpec> = fc.record({
  name: fc.option(fc.constantFrom(...STAGE_NAMES), { freq: 3 }),
  base: fc.record({
    kind: fc.constantFrom('image' as const, 'image' as const, 'scratch' as const, 'stage' as const, 'arg' as const),
    ref: fc.nat(),
    platform: fc.boolean(),
  }),
  asUpper: fc.boolean(),
  body: fc.array(bodyArb, { maxLength: 7 }),
  copyOf: fc.option(fc.record({ stage: fc.nat(), items: fc.nat() }), { freq: 2 }),
});

export const dockerfileSpecArb = fc.record({
  escapeBacktick: fc.boolean(),
  lowerKeywords: fc.boolean(),
  globalArg: fc.boolean(),
  leading: fc.array(fc.constantFrom('# syntax=docker/dockerfile:1', '', '# top comment'), { maxLength: 2 }),
  stages: fc.array(stageSpecArb, { minLength: 1, maxLength: 5 }),
});

export type DockerfileSpec = typeof dockerfileSpecArb extends fc.Arbitrary<infer T> ? T : never;

/** Writes the file of a spec and the numbering BuildKit gives it (FROM counted for images only; `WORKDIR /` counted, not numbered). */
export function renderDockerfile(spec: DockerfileSpec): GeneratedDockerfile {
  const out: string[] = [];
  const esc = spec.escapeBacktick ? '`' : '\\';
  const kw = (k: string) => (spec.lowerKeywords ? k.toLowerCase() : k);
  const push = (...lines: string[]) => {
    const start = out.length + 1;
    out.push(...lines);
    return { start, end: out.length };
  };
  if (spec.escapeBacktick) push('# escape=`');
  for (const l of spec.leading) if (!(spec.escapeBacktick && l.startsWith('# syntax'))) push(l);
  if (spec.globalArg) push(`${kw('ARG')} BASE_IMAGE=alpine:3.19`);
  const stages: ModelStage[] = [];
  const names: string[] = [];
  const used = new Set<string>();
  /** Per stage as written: its base, platform flag, and instructions with the stage names they could see. */
  const written: { base: string; counted: boolean; platform: string; body: { b: Body; earlier: string[] }[] }[] = [];
  spec.stages.forEach((s, position) => {
    let name: string | null = null;
    if (s.name !== null) {
      name = used.has(s.name.toLowerCase()) ? `${s.name}${position}` : s.name;
      used.add(name.toLowerCase());
    }
    let base: string;
    let counted = true;
    let platform = '';
    let body = s.body.map((b) => ({ b, earlier: [...names] }));
    const copied = s.copyOf && position > 0 ? written[s.copyOf.stage % position] : null;
    if (copied) {
      ({ base, counted, platform } = copied);
      body = [...copied.body.slice(0, s.copyOf!.items % (copied.body.length + 1)), ...body];
    } else {
      const kind = s.base.kind === 'arg' && !spec.globalArg ? 'image' : s.base.kind;
      if (kind === 'stage' && names.length) {
        base = names[s.base.ref % names.length];
        counted = false;
      } else if (kind === 'scratch') {
        base = 'scratch';
        counted = false;
      } else if (kind === 'arg') {
        base = s.base.ref % 2 ? '${BASE_IMAGE}' : '$BASE_IMAGE';
      } else {
        base = IMAGES[s.base.ref % IMAGES.length];
      }
      platform = s.base.platform && counted ? '--platform=$BUILDPLATFORM ' : '';
    }
    written.push({ base, counted, platform, body });
    const fromLines = push(`${kw('FROM')} ${platform}${base}${name ? ` ${s.asUpper ? 'AS' : 'as'} ${name}` : ''}`);
    const stage: ModelStage = { name: name?.toLowerCase() ?? null, steps: [], total: 0 };
    if (counted) stage.steps.push({ keyword: 'FROM', lines: fromLines, sources: null });
    stage.total = stage.steps.length;
    for (const { b, earlier } of body) {
      switch (b.k) {
        case 'run': {
          const flags = b.mounts.map((m) =>
            m === 'cache'
              ? '--mount=type=cache,target=/root/.cache'
              : m === 'secret'
                ? '--mount=type=secret,id=tok'
                : `--mount=type=bind,from=${earlier.length ? earlier[0] : 'alpine'},source=/,target=/src`,
          );
          const words = [...flags, ...b.words];
          const cuts = new Set(
            b.breaks.map((x) => 1 + (x % Math.max(1, words.length))).filter((x) => x < words.length),
          );
          const lines: string[] = [];
          let cur = `${kw('RUN')}`;
          words.forEach((w, i) => {
            if (cuts.has(i)) {
              lines.push(`${cur} ${esc}`);
              if (b.comment) lines.push('  # a comment inside the continuation');
              cur = '   ';
            }
            cur += ` ${w}`;
          });
          lines.push(cur);
          stage.steps.push({ keyword: 'RUN', lines: push(...lines), sources: null });
          stage.total++;
          break;
        }
        case 'runHeredoc': {
          const lines = push(`${kw('RUN')} <<${b.dash ? '-' : ''}EOT`, ...b.body, 'EOT');
          stage.steps.push({ keyword: 'RUN', lines, sources: null });
          stage.total++;
          break;
        }
        case 'copy': {
          const k = b.add ? 'ADD' : 'COPY';
          const flags: string[] = [];
          let from: string | null = null;
          if (b.from !== null) {
            from = b.fromImage || !earlier.length ? IMAGES[b.from % IMAGES.length] : earlier[b.from % earlier.length];
            flags.push(`--from=${from}`);
          }
          if (b.chown) flags.push('--chown=1000:1000');
          if (b.link) flags.push('--link');
          const paths = [...b.sources, '/dest/'];
          const args = b.json ? [`[${paths.map((x) => JSON.stringify(x)).join(', ')}]`] : paths;
          const lines = push([kw(k), ...flags, ...args].join(' '));
          stage.steps.push({
            keyword: k,
            lines,
            sources: from === null ? [...b.sources] : [],
            form: b.json ? 'json' : 'shell',
          });
          stage.total++;
          break;
        }
        case 'copyHeredoc': {
          const lines = push(`${kw('COPY')} <<EOT /etc/conf`, ...b.body, 'EOT');
          stage.steps.push({ keyword: 'COPY', lines, sources: [], form: 'heredoc' });
          stage.total++;
          break;
        }
        case 'workdir': {
          const lines = push(`${kw('WORKDIR')} ${b.path}`);
          stage.total++;
          if (b.path !== '/') stage.steps.push({ keyword: 'WORKDIR', lines, sources: null });
          break;
        }
        case 'plain': {
          const [k, ...rest] = b.line.split(' ');
          push([kw(k), ...rest].join(' '));
          break;
        }
        case 'comment':
          push(b.text);
          break;
        case 'blank':
          push('');
          break;
      }
    }
    if (name) names.push(name.toLowerCase());
    stages.push(stage);
  });
  return { text: out.join('\n') + '\n', stages };
}

/** How a synthetic log labels a step: as BuildKit does, or with noise that cannot map. */
export type LabelNoise =
  | { k: 'none' }
  | { k: 'no-stage' }
  | { k: 'index-past-end'; extra: number }
  | { k: 'index-zero' }
  | { k: 'wrong-instruction'; keyword: string }
  | { k: 'random'; label: string; text: string };

export const labelNoiseArb: fc.Arbitrary<LabelNoise> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ k: 'none' as const }) },
  fc.constant({ k: 'no-stage' as const }),
  fc.record({ k: fc.constant('index-past-end' as const), extra: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ k: 'index-zero' as const }),
  fc.record({
    k: fc.constant('wrong-instruction' as const),
    keyword: fc.constantFrom('RUN', 'COPY', 'ADD', 'WORKDIR', 'FROM'),
  }),
  fc.record({
    k: fc.constant('random' as const),
    label: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\]\n\r]/g, '')),
    text: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\n\r]/g, '')),
  }),
);

export interface SyntheticStep {
  /** The vertex name printed. */
  name: string;
  /** Position in `parsed.stages` and the 0-based step index, or null for internal vertices. */
  stage: number;
  index: number;
  noise: LabelNoise;
}

/** Vertex names for every numbered step of a parsed Dockerfile, as BuildKit prints them (`[name i/n] TEXT`). */
export function syntheticSteps(parsed: Dockerfile, noise: LabelNoise[], omitLastName: boolean): SyntheticStep[] {
  const out: SyntheticStep[] = [];
  let k = 0;
  parsed.stages.forEach((stage, si) => {
    const last = si === parsed.stages.length - 1;
    const name = omitLastName && last && stage.name === null ? null : (stage.name ?? `stage-${stage.position}`);
    stage.steps.forEach((inst, i) => {
      const n = noise.length ? noise[k++ % noise.length] : { k: 'none' as const };
      const prefix = name === null ? '' : `${name} `;
      let label = `${prefix}${i + 1}/${stage.total}`;
      let text = inst.text;
      switch (n.k) {
        case 'no-stage':
          label = `zz-noise-${si} ${i + 1}/${stage.total}`;
          break;
        case 'index-past-end':
          label = `${prefix}${stage.steps.length + n.extra}/${stage.total}`;
          break;
        case 'index-zero':
          label = `${prefix}0/${stage.total}`;
          break;
        case 'wrong-instruction': {
          const keyword = n.keyword === inst.keyword ? (inst.keyword === 'RUN' ? 'COPY' : 'RUN') : n.keyword;
          text = `${keyword} ${inst.text.replace(/^\S+\s*/, '')}`;
          break;
        }
        case 'random':
          label = n.label;
          text = n.text;
          break;
      }
      out.push({ name: `[${label}] ${text}`, stage: si, index: i, noise: n });
    });
  });
  return out;
}

/**
 * Steps that BuildKit runs once for several stages (same base, same instructions up to there: the
 * rule map-steps.ts follows), as groups of [stage position, 0-based step index], first stage first.
 */
export function sharedGroups(parsed: Dockerfile): { stage: number; index: number }[][] {
  const byKey = new Map<string, { stage: number; index: number }[]>();
  parsed.stages.forEach((st, stage) => {
    st.steps.forEach((_, index) => {
      const prefix = st.steps.slice(0, index + 1).map((x) => (x.keyword === 'FROM' ? 'FROM' : x.text));
      const key = JSON.stringify([st.base, st.baseIsStage, prefix]);
      byKey.set(key, [...(byKey.get(key) ?? []), { stage, index }]);
    });
  });
  return [...byKey.values()];
}

/** Which member of each shared group is printed (`picks`, cycled). */
export function pickShared(
  groups: { stage: number; index: number }[][],
  picks: number[],
): { stage: number; index: number }[] {
  return groups.map((g, i) => g[picks[i % picks.length] % g.length]);
}

/** A plain log of the steps (in the given order): header, a log line, `DONE 0.1s`, blank line. */
export function syntheticPlainLog(steps: SyntheticStep[]): string {
  const blocks = [
    '#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 2B done\n#1 DONE 0.0s',
  ];
  steps.forEach((s, i) => blocks.push(`#${i + 2} ${s.name}\n#${i + 2} 0.05 output\n#${i + 2} DONE 0.1s`));
  return `${blocks.join('\n\n')}\n`;
}

/** The same steps as buildx `--progress=rawjson` sends them: a start and an end record per vertex. */
export function syntheticRawjsonLog(steps: SyntheticStep[]): string {
  const lines: string[] = [];
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  steps.forEach((s, i) => {
    const digest = `sha256:${(i + 1).toString(16).padStart(64, '0')}`;
    const started = new Date(t0 + i * 200).toISOString();
    const completed = new Date(t0 + i * 200 + 100).toISOString();
    lines.push(JSON.stringify({ vertexes: [{ digest, name: s.name, started }] }));
    lines.push(JSON.stringify({ vertexes: [{ digest, name: s.name, started, completed }] }));
  });
  return `${lines.join('\n')}\n`;
}

/** A permutation of 0..n-1 from a list of swaps (shrinks to the identity). */
export function permute<T>(items: T[], swaps: [number, number][]): T[] {
  const out = [...items];
  if (!out.length) return out;
  for (const [a, b] of swaps) {
    const i = a % out.length;
    const j = b % out.length;
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
