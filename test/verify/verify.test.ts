// The pure parts of verification: the tar listing, image differences, step matching, the verdict,
// which suggestions are tried and with which base build args, durations, and how a verdict reads.
import { jest } from '@jest/globals';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport, Suggestion, Verification } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { buildGraph } from '../../src/analysis/graph.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { gainText } from '../../src/render/answer.js';
import { parseDuration } from '../../src/verify/duration.js';
import { imageDifferences, parseConfig, type ImageSnapshot } from '../../src/verify/image.js';
import { baseArgs, chosen, withVerifications } from '../../src/verify/index.js';
import { cachedAfterRerun, measureEdit, rerunSeconds, verdict } from '../../src/verify/measure.js';
import { TarLister, paxRecords, type TarEntry } from '../../src/verify/tar-list.js';

// Pure functions only: no process, no server.
jest.setTimeout(10_000);

/** A ustar header block for one entry (what Go's archive/tar writes for short names). */
function header(name: string, opts: { type?: string; size?: number; mode?: number; uid?: number; link?: string } = {}) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(`${(opts.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
  h.write(`${(opts.uid ?? 0).toString(8).padStart(7, '0')}\0`, 108);
  h.write(`${(0).toString(8).padStart(7, '0')}\0`, 116);
  h.write(`${(opts.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${(0).toString(8).padStart(11, '0')}\0`, 136);
  h.write(opts.type ?? '0', 156);
  if (opts.link) h.write(opts.link, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('        ', 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function data(content: string): Buffer {
  const b = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  b.write(content);
  return b;
}

function pax(records: Record<string, string>): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = rest.length + 1;
      while (`${len}${rest}`.length !== len) len++;
      return `${len}${rest}`;
    })
    .join('');
  return Buffer.concat([header('PaxHeaders/x', { type: 'x', size: body.length }), data(body)]);
}

describe('TarLister', () => {
  const long = `usr/lib/${'deep/'.repeat(30)}file.txt`;
  const tar = Buffer.concat([
    header('app/', { type: '5', mode: 0o755 }),
    header('app/main.js', { size: 600, mode: 0o755, uid: 1000 }),
    data('x'.repeat(600)),
    header('bin/sh', { type: '2', link: '/bin/busybox', mode: 0o777 }),
    pax({ path: long, uid: '70000' }),
    header('ignored-name', { size: 3 }),
    data('abc'),
    Buffer.alloc(1024),
  ]);
  const expected: TarEntry[] = [
    { path: 'app', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, link: '' },
    { path: 'app/main.js', type: 'file', size: 600, mode: 0o755, uid: 1000, gid: 0, link: '' },
    { path: 'bin/sh', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, link: '/bin/busybox' },
    { path: long, type: 'file', size: 3, mode: 0o644, uid: 70000, gid: 0, link: '' },
  ];

  test.each([1, 7, 512, 100_000])('lists entries, PAX names and owners included, fed %d bytes at a time', (n) => {
    const lister = new TarLister();
    for (let i = 0; i < tar.length; i += n) lister.push(tar.subarray(i, i + n));
    expect(lister.end()).toEqual(expected);
  });

  test('paxRecords reads length-prefixed records', () => {
    expect(paxRecords(Buffer.from('16 path=a/b/c.d\n12 uid=1000\n'))).toEqual({ path: 'a/b/c.d', uid: '1000' });
  });
});

const file = (path: string, over: Partial<TarEntry> = {}): TarEntry => ({
  path,
  type: 'file',
  size: 10,
  mode: 0o644,
  uid: 0,
  gid: 0,
  link: '',
  ...over,
});

function snapshot(files: TarEntry[], config: Parameters<typeof parseConfig>[0] = {}): ImageSnapshot {
  return { files, config: parseConfig({ Cmd: ['sh'], Env: ['PATH=/bin'], ...config }) };
}

describe('imageDifferences', () => {
  test.each([
    ['same files and config (mtimes are never read)', snapshot([file('a')]), snapshot([file('a')]), []],
    ['a file missing', snapshot([file('a'), file('b')]), snapshot([file('a')]), ['/b: missing with the edit']],
    ['a file added', snapshot([file('a')]), snapshot([file('a'), file('c')]), ['/c: added by the edit']],
    [
      'size, mode, owner',
      snapshot([file('a')]),
      snapshot([file('a', { size: 11, mode: 0o755, uid: 1000, gid: 1000 })]),
      ['/a: size 10 → 11 bytes, mode 0644 → 0755, owner 0:0 → 1000:1000'],
    ],
    [
      'user, workdir, entrypoint, cmd',
      snapshot([], {}),
      snapshot([], { User: 'node', WorkingDir: '/app', Entrypoint: ['/init'], Cmd: ['run'] }),
      ['entrypoint: null → ["/init"]', 'cmd: ["sh"] → ["run"]', 'workdir: "" → "/app"', 'user: "" → "node"'],
    ],
    [
      'env names only (values may be secrets)',
      snapshot([], { Env: ['PATH=/bin', 'TOKEN=abc'] }),
      snapshot([], { Env: ['PATH=/usr/bin', 'NEW=1'] }),
      ['env NEW: added', 'env PATH: changed', 'env TOKEN: removed'],
    ],
  ] as [string, ImageSnapshot, ImageSnapshot, string[]][])('%s', (_name, before, after, expected) => {
    expect(imageDifferences(before, after)).toEqual(expected);
  });

  test('capped at 20 lines, the last counting the rest', () => {
    const before = snapshot(Array.from({ length: 30 }, (_, i) => file(`f${String(i).padStart(2, '0')}`)));
    const out = imageDifferences(before, snapshot([]));
    expect(out).toHaveLength(20);
    expect(out[19]).toBe('… and 11 more differences');
  });

  test('a rebuilt tree of 300,000 files: counted, not spread into a call', () => {
    const before = snapshot(Array.from({ length: 300_000 }, (_, i) => file(`node_modules/f${i}`)));
    const out = imageDifferences(before, snapshot([]));
    expect(out).toHaveLength(20);
    expect(out[19]).toBe('… and 299981 more differences');
  });
});

// Two builds of the fixture's Dockerfile: the real one re-ran from COPY . .; the one with the edit kept
// the install cached, re-ran the COPY and the bundle, and its final COPY --from hit the real build's entry.
const DOCKERFILE = `FROM local/busybox:1 AS build
WORKDIR /app
COPY . .
RUN npm ci
RUN cat src/*.js > bundle.js

FROM local/busybox:1
COPY --from=build /app/bundle.js /
`;
const EDITED = DOCKERFILE.replace('COPY . .\nRUN npm ci', 'COPY package.json ./\nRUN npm ci\nCOPY . .');

function plainLog(steps: [string, string][]): string {
  return steps.map(([name, end], i) => `#${i + 1} ${name}\n#${i + 1} ${end}\n`).join('\n');
}

const realLog = plainLog([
  ['[build 1/5] FROM docker.io/local/busybox:1', 'DONE 0.0s'],
  ['[build 2/5] WORKDIR /app', 'CACHED'],
  ['[build 3/5] COPY . .', 'DONE 0.2s'],
  ['[build 4/5] RUN npm ci', 'DONE 3.9s'],
  ['[build 5/5] RUN cat src/*.js > bundle.js', 'DONE 0.7s'],
  ['[stage-1 2/2] COPY --from=build /app/bundle.js /', 'DONE 0.2s'],
]);
const editLog = plainLog([
  ['[build 1/6] FROM docker.io/local/busybox:1', 'DONE 0.0s'],
  ['[build 2/6] WORKDIR /app', 'CACHED'],
  ['[build 3/6] COPY package.json ./', 'CACHED'],
  ['[build 4/6] RUN npm ci', 'CACHED'],
  ['[build 5/6] COPY . .', 'DONE 0.3s'],
  ['[build 6/6] RUN cat src/*.js > bundle.js', 'DONE 0.6s'],
  ['[stage-1 2/2] COPY --from=build /app/bundle.js /', 'CACHED'],
]);

function report(log: string, dockerfile: string): BuildReport {
  return buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed: parseDockerfile(dockerfile) } });
}

describe('measureEdit', () => {
  const real = report(realLog, DOCKERFILE);
  const withEdit = report(editLog, EDITED);
  const graph = buildGraph(withEdit, parseDockerfile(EDITED));

  test('re-run seconds: the steps that ran', () => {
    expect(rerunSeconds(real)).toBe(5);
  });

  test('a cached step after a re-run one hit the real build’s entry: counted as re-run', () => {
    expect([...cachedAfterRerun(withEdit, graph)]).toEqual(['stage-1#2']);
  });

  test('the install is kept cached (matched by text across moved lines); the final COPY costs its real time', () => {
    expect(measureEdit(real, withEdit, graph)).toEqual({ withEditRerunSeconds: 1.1, stepsKeptCached: ['build#4'] });
  });

  test('without a graph every cached match counts as kept', () => {
    expect(measureEdit(real, withEdit, null).stepsKeptCached).toEqual(['build#4', 'stage-1#2']);
  });

  test('a RUN the edit extended (another rule folded in: `&& rm -rf ...`) is the same step; a longer word is not', () => {
    const extended = editLog.replace('RUN npm ci', 'RUN npm ci && rm -rf /root/.npm');
    const e = report(extended, EDITED.replace('RUN npm ci', 'RUN npm ci && rm -rf /root/.npm'));
    expect(measureEdit(real, e, null).stepsKeptCached).toContain('build#4');
    const other = editLog.replace('RUN npm ci', 'RUN npm cix');
    const o = report(other, EDITED.replace('RUN npm ci', 'RUN npm cix'));
    expect(measureEdit(real, o, null).stepsKeptCached).not.toContain('build#4');
  });
});

describe('verdict', () => {
  test.each([
    ['saved, kept, same image', 5, 1, ['a'], [], 'verified', 4, 0],
    ['image differs', 5, 1, ['a'], ['user: "" → "x"'], 'changes-image', 4, 0],
    ['nothing kept cached', 5, 1, [], [], 'no-gain', 4, 0],
    ['kept, but under a second', 2, 1.3, ['a'], [], 'no-gain', 0.7, 0],
    ['kept, under 5 % of a long re-run', 100, 96, ['a'], [], 'no-gain', 4, 0],
    // A busy machine: a RUN that does nothing costs 1.2 s, so saving one RUN's start-up (1.3 s) is no gain.
    ['one start-up saved on a busy machine', 4, 2.7, ['a'], [], 'no-gain', 1.3, 1.2],
    ['several start-ups saved on a busy machine', 8, 2.7, ['a'], [], 'verified', 5.3, 1.2],
  ] as [string, number, number, string[], string[], string, number, number][])(
    '%s',
    (_n, baseRerunSeconds, withEditRerunSeconds, stepsKeptCached, differences, status, saved, startSeconds) => {
      expect(
        verdict({
          baseRerunSeconds,
          withEditRerunSeconds,
          stepsKeptCached,
          imageDifferences: differences,
          startSeconds,
        }),
      ).toEqual({ status, secondsSaved: saved });
    },
  );
});

const sug = (rule: string, evidence: 'data' | 'static'): Suggestion => ({
  rule,
  title: rule,
  file: 'Dockerfile',
  lines: { start: 1, end: 2 },
  why: '',
  diff: '',
  evidence,
  savedSeconds: evidence === 'data' ? 3 : null,
  protects: [],
  gain: { kind: 'seconds', value: evidence === 'data' ? 3 : 60, basis: evidence === 'data' ? 'measured' : 'estimated' },
  confidence: evidence === 'data' ? 'high' : 'low',
});

describe('chosen', () => {
  test('the first data-backed suggestions, as ranked', () => {
    const list = [sug('a', 'data'), sug('b', 'static'), sug('c', 'data'), sug('d', 'data')];
    expect(chosen(list, 1)).toEqual([0]);
    expect(chosen(list, 2)).toEqual([0, 2]);
    expect(chosen([sug('b', 'static')], 3)).toEqual([]);
  });
});

describe('baseArgs', () => {
  const withCause = (args: string[]): BuildReport =>
    ({
      analysis: {
        rootCauses: [{ kind: 'build-arg-changed', args, stepId: 'x' }],
      },
    }) as unknown as BuildReport;

  test.each([
    ['no ARG blamed: the real args', [], ['A=1'], undefined, ['A=1']],
    ['a blamed ARG gets a value of its own', ['V'], ['V=2', 'A=1'], undefined, ['V=2-bca-verify-base', 'A=1']],
    ['a blamed ARG not given is given one', ['V'], [], undefined, ['V=-bca-verify-base']],
    ['overrides win', ['V'], ['V=2', 'A=1'], ['V=1'], ['V=1', 'A=1']],
  ] as [string, string[], string[], string[] | undefined, string[]][])(
    '%s',
    (_n, blamed, args, overrides, expected) => {
      expect(baseArgs(withCause(blamed), args, overrides)).toEqual(expected);
    },
  );
});

describe('parseDuration', () => {
  test.each([
    ['10m', 600],
    ['90s', 90],
    ['1m30s', 90],
    ['1h', 3600],
    ['600', 600],
    ['2.5s', 2.5],
    ['', null],
    ['ten', null],
    ['5 m', null],
  ] as [string, number | null][])('%s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });
});

describe('gainText with a verification', () => {
  const v = (over: Partial<Verification>): Verification => ({
    status: 'verified',
    baseRerunSeconds: 41.2,
    withEditRerunSeconds: 3.1,
    secondsSaved: 38.1,
    stepsKeptCached: ['deps#3'],
    imageDifferences: [],
    note: null,
    costSeconds: 50,
    ...over,
  });
  const text = (id: string) => (id === 'deps#3' ? 'RUN npm ci' : null);
  test.each([
    ['verified', v({}), 'measured: with this edit “RUN npm ci” stays cached; re-run time 41.2s → 3.1s (−38.1s)'],
    [
      'changes-image',
      v({ status: 'changes-image', imageDifferences: ['user: "" → "x"'] }),
      'not recommended: changes the image (user: "" → "x")',
    ],
    [
      'no-gain',
      v({ status: 'no-gain', secondsSaved: 0.2, withEditRerunSeconds: 41 }),
      'measured: no gain (re-run time 41.2s → 41.0s)',
    ],
    [
      'skipped',
      v({ status: 'skipped', note: 'the time budget ran out' }),
      'would have saved 3.0s (estimated; not verified: the time budget ran out)',
    ],
  ] as [string, Verification, string][])('%s', (_n, verification, expected) => {
    expect(gainText({ ...sug('manifest-order', 'data'), verification }, text)).toBe(expected);
  });

  test('withVerifications puts each on its suggestion and the run on the analysis, as a new report', () => {
    const r = { analysis: { suggestions: [sug('a', 'data'), sug('b', 'data')] } } as unknown as BuildReport;
    const out = withVerifications(r, {
      verifications: new Map([[1, v({})]]),
      seconds: 12,
      builds: 3,
      notes: ['n'],
    });
    expect(out.analysis!.suggestions.map((s) => s.verification?.status ?? null)).toEqual([null, 'verified']);
    expect(out.analysis!.verification).toEqual({ seconds: 12, builds: 3, notes: ['n'] });
    expect(r.analysis!.suggestions[1].verification).toBeUndefined();
  });
});
