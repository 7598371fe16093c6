// Inputs at the scale where a quadratic step or a recursion as deep as the input shows: these ran for
// minutes or overflowed the stack before (issue 13). Each must finish, and give the same answer as
// the small case does.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Lines, unifiedDiff, unifiedDiffOfEdit } from '../../src/analysis/suggest/text.js';
import { dockerfileSource } from '../../src/dockerfile/source.js';
import { analyze } from '../../src/pipeline/analyze.js';
import { renderMarkdown, renderSummary } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { suggestFile } from '../../src/suggest-file.js';
import type { Suggestion } from '../../src/model/report.js';

const digest = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;
const time = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

function rawjsonChain(steps: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= steps; i++) {
    const vertex = {
      digest: digest(i),
      inputs: i > 1 ? [digest(i - 1)] : [],
      name: i === 1 ? `[s 1/${steps}] FROM docker.io/library/alpine` : `[s ${i}/${steps}] RUN echo ${i}`,
      started: time(i * 10),
      completed: time(i * 10 + 5),
    };
    lines.push(JSON.stringify({ vertexes: [vertex] }));
  }
  return `${lines.join('\n')}\n`;
}

test('a 30,000-step rawjson chain: one root cause with all the others in its cascade, no stack overflow', async () => {
  const { report } = await analyze({ log: Readable.from([rawjsonChain(30_000)]), file: null });
  const causes = report.analysis!.rootCauses;
  expect(causes).toHaveLength(1);
  expect(causes[0]).toMatchObject({ stepId: 's#2', kind: 'no-visible-change' });
  expect(causes[0].cascade).toHaveLength(29_998);
  expect(causes[0].cascade[0]).toBe('s#3');
  expect(report.analysis!.criticalPath.steps).toHaveLength(29_999);
  const text = renderText(report);
  expect(text).toMatch(/s#2|RUN echo 2/);
  // The terminal names the path's first 30 steps, as the markdown does: not a line of 30,000.
  const path = text.split('\n').find((l) => l.startsWith('Critical path '))!;
  expect(path.split(' -> ')).toHaveLength(31);
  expect(path).toMatch(/ -> … 29969 more steps$/);
}, 60_000);

test('a log of the same build many times: ids made unique in order, ~2, ~3, ...', async () => {
  const build = (a: number, b: number) =>
    `#${a} [1/2] FROM docker.io/library/alpine\n#${a} DONE 0.1s\n\n#${b} [2/2] RUN echo\n#${b} DONE 1.0s\n\n`;
  const log = Array.from({ length: 3000 }, (_, i) => build(2 * i + 1, 2 * i + 2));
  const { report } = await analyze({ log: Readable.from([log.join('')]), file: null });
  const ids = report.steps.filter((s) => s.text === 'RUN echo').map((s) => s.id);
  expect(ids.slice(0, 3)).toEqual(['(default)#2', '(default)#2~2', '(default)#2~3']);
  expect(ids.at(-1)).toBe('(default)#2~3000');
  expect(new Set(report.steps.map((s) => s.id)).size).toBe(6000);
}, 60_000);

describe('unifiedDiffOfEdit', () => {
  const text = fc.array(fc.constantFrom('FROM a', 'RUN x', 'RUN y', '', 'COPY . .', '# c'), { maxLength: 30 });
  test('the same diff as unifiedDiff of the whole edited file, for any window of any file', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), text, (lines, s, len, repl) => {
        const original = lines.join('\n');
        const l = new Lines(original);
        const start = 1 + (s % (l.lines.length + 1));
        const end = Math.min(l.lines.length, start - 1 + (len % 4));
        const edit = { start, end, lines: repl };
        const whole = unifiedDiff('Dockerfile', original, l.apply(edit));
        expect(unifiedDiffOfEdit('Dockerfile', original, l.lines, edit)).toBe(whole);
      }),
      { numRuns: 500 },
    );
  });

  test('the same diff for a block moved down or up past others (written without a diff when it is a move)', () => {
    // Distinct lines mostly, so most cases are moves a diff aligns one way; a few repeats and CRs for the others.
    const line = fc.oneof(
      { weight: 8, arbitrary: fc.nat(1000).map((n) => `RUN ${n}`) },
      fc.constantFrom('RUN 1', 'ARG X\r', ''),
    );
    // Long enough that most windows (up to 18 lines) end 5 lines or more before the file does: written without a diff.
    const file = fc.array(line, { minLength: 25, maxLength: 60 });
    fc.assert(
      fc.property(file, fc.nat(), fc.nat(), fc.nat(), fc.boolean(), (lines, s, len, k, up) => {
        const original = lines.join('\n');
        const l = new Lines(original);
        const start = 1 + (s % (l.lines.length - 22));
        const end = start + 1 + (len % 17);
        const range = { start, end: start + (k % (end - start)) };
        const edit = up ? l.moveUp({ start: range.end + 1, end }, start) : l.moveDown(range, end + 1);
        const whole = unifiedDiff('Dockerfile', original, l.apply(edit));
        expect(unifiedDiffOfEdit('Dockerfile', original, l.lines, edit)).toBe(whole);
      }),
      { numRuns: 3000 },
    );
  });

  test('the same diff when the replaced and the new lines have none in common (written without a diff)', () => {
    const line = fc.oneof(
      fc.constantFrom('RUN a', 'RUN b\r', ' ', '\\', '+x', '-y', '@@ z'),
      fc.string({ maxLength: 4 }),
    );
    const file = fc.array(line, { minLength: 0, maxLength: 40 });
    fc.assert(
      fc.property(file, fc.nat(), fc.nat(), fc.array(line, { maxLength: 5 }), (lines, s, len, repl) => {
        const original = lines.join('\n');
        const l = new Lines(original);
        const start = 1 + (s % (l.lines.length + 1));
        const end = Math.min(l.lines.length, start - 1 + (len % 5));
        const edit = { start, end, lines: repl };
        const whole = unifiedDiff('Dockerfile', original, l.apply(edit));
        expect(unifiedDiffOfEdit('Dockerfile', original, l.lines, edit)).toBe(whole);
      }),
      { numRuns: 3000 },
    );
  });
});

test('the terminal text of 60,000 suggestions: the first 10 with diffs, 30 more named, the rest counted', async () => {
  const { report } = await analyze({ log: Readable.from([rawjsonChain(3)]), file: null });
  const one: Suggestion = {
    rule: 'cache-mount',
    title: 'Cache the package manager download folder',
    file: 'Dockerfile',
    lines: { start: 3, end: 3 },
    why: 'why',
    diff: '--- Dockerfile\n+++ Dockerfile\n@@ -3 +3 @@\n-RUN a\n+RUN b\n',
    evidence: 'static',
    savedSeconds: null,
    protects: [],
    gain: { kind: 'seconds', value: 5, basis: 'estimated' },
    confidence: 'low',
  };
  report.analysis!.suggestions = Array.from({ length: 60_000 }, () => one);
  const text = renderText(report);
  expect(text.split('\n').filter((l) => l.includes('[cache-mount]'))).toHaveLength(40);
  expect(text.split('\n').filter((l) => l === '     +RUN b')).toHaveLength(10);
  expect(text).toContain('  40. Cache the package manager download folder');
  expect(text).toContain('  … and 59960 more suggestions (--format json lists them all, with their diffs)');
}, 60_000);

test('the terminal text of 5,000 root causes: the costliest 20, then one line for the rest and their time', async () => {
  const log = [
    '#1 [1/3] FROM docker.io/library/alpine',
    '#1 DONE 0.0s',
    '#2 [2/3] RUN echo a',
    '#2 CACHED',
    '#3 [3/3] RUN echo b',
    '#3 DONE 2.0s',
    '',
  ].join('\n');
  const { report } = await analyze({ log: Readable.from([log]), file: null });
  const [cause] = report.analysis!.rootCauses;
  report.analysis!.rootCauses = Array.from({ length: 5_000 }, () => ({ ...cause, seconds: 2 }));
  const text = renderText(report);
  expect(text.split('\n').filter((l) => l.startsWith('           why: '))).toHaveLength(20);
  expect(text).toContain('  … and 4980 more causes, 2h46m in all (--format json lists them all)');
}, 60_000);

test('a 30,000-line Dockerfile whose suggestions overlap in every stage: each merge edits a window, not the file', async () => {
  const stages = 2_500;
  const dockerfile: string[] = [];
  const log: string[] = [];
  let n = 1;
  for (let s = 0; s < stages; s++) {
    const stage = [
      `FROM local/busybox:1 AS s${s}`,
      'ARG VERSION=1',
      'RUN apt-get update',
      'RUN apt-get install -y curl',
      'COPY . .',
      'RUN npm ci',
      'RUN echo "$VERSION" > /v',
      'ENV X=1',
      'RUN apk add git',
      'WORKDIR /app',
      `COPY src${s}/ ./src/`,
      'RUN make',
    ];
    dockerfile.push(...stage);
    stage
      .filter((l) => /^(FROM|RUN|COPY|WORKDIR)\b/.test(l))
      .forEach((inst, i, all) => {
        log.push(`#${n} [s${s} ${i + 1}/${all.length}] ${i === 0 ? 'FROM docker.io/local/busybox:1' : inst}`);
        log.push(i === 0 ? `#${n} DONE 0.0s` : n % 3 === 0 ? `#${n} CACHED` : `#${n} DONE ${10 + (n % 7)}.0s`, '');
        n++;
      });
  }
  const text = `${dockerfile.join('\n')}\n`;
  const { report } = await analyze(
    { log: Readable.from([log.join('\n')]), file: null },
    { dockerfile: dockerfileSource('Dockerfile', text), contextDir: null },
  );
  const suggestions = report.analysis!.suggestions;
  const merged = suggestions.filter((s) => s.also?.length);
  expect(merged.length).toBeGreaterThanOrEqual(stages);
  // A merged edit of the last stage reads as the same edit of the first, 12 lines a stage further down.
  const first = merged.find((s) => s.lines.start <= 12)!;
  const last = merged.filter((s) => s.rule === first.rule && s.lines.start > 12 * (stages - 1)).at(-1)!;
  const shift = (diff: string, by: number) =>
    diff.replace(/^@@ -(\d+),(\d+) \+(\d+),(\d+) @@/gm, (_m, a, b, c, d) => `@@ -${+a + by},${b} +${+c + by},${d} @@`);
  const same = (d: string) => d.replace(/s\d+\b/g, 'sN').replace(/src\d+\//g, 'srcN/');
  expect(same(last.diff)).toBe(same(shift(first.diff, 12 * (stages - 1))));
}, 60_000);

test('20,000 COPY --from a stage whose log printed one step: each finds that step at once (it walked back per COPY)', async () => {
  const copies = 20_000;
  const dockerfile = ['FROM local/busybox:1 AS big', 'RUN make'];
  for (let i = 0; i < copies; i++) dockerfile.push('RUN true');
  dockerfile.push('FROM local/busybox:1 AS final');
  for (let i = 0; i < copies; i++) dockerfile.push(`COPY --from=big /out/${i} /app/${i}`);
  // A cut log: of `big` only `RUN make` was printed; `final` whole.
  const log = [`#1 [big 2/${copies + 2}] RUN make`, '#1 DONE 3.0s', ''];
  for (let i = 0; i < copies; i++) {
    log.push(`#${i + 2} [final ${i + 2}/${copies + 1}] COPY --from=big /out/${i} /app/${i}`, `#${i + 2} DONE 0.1s`, '');
  }
  const { report } = await analyze(
    { log: Readable.from([log.join('\n')]), file: null },
    { dockerfile: dockerfileSource('Dockerfile', `${dockerfile.join('\n')}\n`), contextDir: null },
  );
  expect(report.analysis!.graph).toBe('dockerfile');
  const make = report.steps.find((s) => s.text === 'RUN make')!;
  const last = report.steps.find((s) => s.text === `COPY --from=big /out/${copies - 1} /app/${copies - 1}`)!;
  expect(last.miss).toMatchObject({ role: 'cascade', roots: [make.id] });
  expect(report.analysis!.rootCauses).toHaveLength(1);
  expect(report.analysis!.rootCauses[0].cascade).toHaveLength(copies);
}, 60_000);

describe('rules over a long stage or a long chain of stages: one pass, not a walk per instruction', () => {
  const shapes: [string, (i: number) => string, string[]][] = [
    // 30,000 installs after one `COPY . .`: each asked for the installs between it and the COPY (was 118 s at 40k).
    [
      'installs after COPY . .',
      (i) => [`RUN npm install x${i}`, `RUN pip install -r req${i}.txt`, `RUN echo ${i}`][i % 3],
      ['WORKDIR /app', 'COPY . .'],
    ],
    // A COPY . . before every install: each scanned the stage before it (was 198 s at 40k).
    [
      'a COPY . . before every install',
      (i) => [`COPY package${i}.json ./`, 'RUN npm ci', 'COPY . .'][i % 3],
      ['WORKDIR /app'],
    ],
    // 10,000 ARGs: each looked for its first use by a regex over every later instruction (was 58 s at 40k).
    ['10,000 ARGs', (i) => [`ARG A${i}=1`, `RUN echo $A${i - 1}`, `ENV E${i}=$A${i - 2}`][i % 3], []],
    // 15,000 stages, each FROM the one before: the installs before a RUN walked every base with its own bases
    // again (50 such stages ran past 5 minutes).
    [
      '15,000 stages built one on another',
      (i) => [`FROM debian:12 AS s${i}`, `FROM s${i - 1} AS s${i}`][Math.min(i, 1)] + `\nRUN pip install x${i}`,
      [],
    ],
  ];
  test.each(shapes)(
    '%s',
    async (name, line, head) => {
      const dir = mkdtempSync(join(tmpdir(), 'bca-linear-'));
      const file = join(dir, 'Dockerfile');
      const body = Array.from({ length: name.startsWith('15,000') ? 15_000 : 30_000 }, (_, i) => line(i));
      writeFileSync(file, ['FROM node:20', ...head, ...body].join('\n'));
      const { suggestions } = await suggestFile(file);
      expect(suggestions.length).toBeLessThan(10);
      rmSync(dir, { recursive: true });
    },
    60_000,
  );
});

test('10,000 ARGs and a log of their RUNs: each of 5,000 root causes names the ARG it reads (no regex per ARG in scope)', async () => {
  const n = 10_000;
  const dockerfile = ['FROM local/busybox:1 AS s'];
  for (let i = 0; i < n; i++) dockerfile.push(`ARG A${i}=1`, `RUN echo $A${i}`);
  const log = ['#1 [s 1/10001] FROM docker.io/local/busybox:1', '#1 CACHED', ''];
  // Every other RUN cached: 5,000 root causes, each with up to 10,000 ARGs in scope.
  for (let i = 0; i < n; i++)
    log.push(`#${i + 2} [s ${i + 2}/${n + 1}] RUN echo $A${i}`, i % 2 ? `#${i + 2} DONE 1.0s` : `#${i + 2} CACHED`, '');
  const { report } = await analyze(
    { log: Readable.from([log.join('\n')]), file: null },
    { dockerfile: dockerfileSource('Dockerfile', `${dockerfile.join('\n')}\n`), contextDir: null },
  );
  const causes = report.analysis!.rootCauses;
  expect(causes).toHaveLength(n / 2);
  const last = causes.find((c) => c.stepId === report.steps.at(-1)!.id)!;
  expect(last).toMatchObject({ kind: 'build-arg-changed', args: [`A${n - 1}`], cascade: [] });
}, 60_000);

test('2,000 bake targets of one Dockerfile: each hole asks the targets that printed its step, not every target', async () => {
  const targets = 2_000;
  const log: string[] = [];
  let n = 1;
  for (let t = 0; t < targets; t++)
    log.push(`#${n} [t${t} internal] load build definition from Dockerfile`, `#${n++} DONE 0.0s`, '');
  // Steps 1–24 ran once, printed under t0; every target printed its own 25–50.
  for (let t = 0; t < targets; t++)
    for (let i = t ? 25 : 1; i <= 50; i++) log.push(`#${n} [t${t} ${i}/50] RUN echo ${i}`, `#${n++} DONE 0.5s`, '');
  const { report } = await analyze({ log: Readable.from([log.join('\n')]), file: null });
  const shared = report.steps.filter((s) => s.targets);
  expect(shared).toHaveLength(24);
  expect(shared[0].targets).toHaveLength(targets);
}, 60_000);

test('a build of 3,000 steps in 30 stages: the terminal and the markdown list 1,000 steps and count the rest', async () => {
  const log: string[] = [];
  let n = 1;
  for (let s = 0; s < 30; s++)
    for (let i = 1; i <= 100; i++) log.push(`#${n} [s${s} ${i}/100] RUN echo ${s}.${i}`, `#${n++} DONE 0.5s`, '');
  const { report } = await analyze({ log: Readable.from([log.join('\n')]), file: null });
  expect(report.steps).toHaveLength(3_000);
  const text = renderText(report);
  const stepLines = text.split('\n').filter((l) => /^\s+\d+\/100 {2}ran /.test(l));
  expect(stepLines).toHaveLength(1_000);
  expect(stepLines.at(-1)).toContain('RUN echo 9.100');
  expect(text).not.toContain('Stage s10 ');
  expect(text).toContain('… and 2000 more steps in 20 stages (--format json lists them all)');
  const md = renderMarkdown(report);
  expect(md.split('\n').filter((l) => /^\| \d+\/100 \| ran \|/.test(l))).toHaveLength(1_000);
  expect(md).toContain('2000 more steps in 20 stages in the JSON report.');
  // The job summary now holds the table it had to leave out whole.
  expect(renderSummary(report)).toContain('<summary>All steps</summary>');
}, 60_000);

test('bake targets past 1,000 steps: the rest of a target and the targets after it are counted, not printed', async () => {
  const log: string[] = [];
  let n = 1;
  for (const [t, stage] of [
    ['t0', 'base'],
    ['t0', 'own'],
    ['t1', 'own'],
  ])
    for (let i = 1; i <= 600; i++)
      log.push(`#${n} [${t} ${stage} ${i}/600] RUN echo ${t} ${i}`, `#${n++} DONE 0.5s`, '');
  const { report } = await analyze({ log: Readable.from([log.join('\n')]), file: null });
  expect(report.targets?.map((t) => t.name)).toEqual(['t0', 't1']);
  const text = renderText(report);
  expect(text.split('\n').filter((l) => /^\s+\d+\/600 {2}ran /.test(l))).toHaveLength(1_000);
  expect(text).toContain('  Stage own: 600 steps');
  expect(text).not.toContain('Target t1');
  expect(text).toContain('… and 800 more steps in 2 stages (--format json lists them all)');
}, 60_000);
