// The HTML report: one self-contained page, every section and step present, and nothing from the
// log or the Dockerfile able to become markup. Reports are built the way the CLI builds them.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLog } from '../../src/analyze-command.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import type { Chart } from '../../src/render/charts/types.js';
import { escapeHtml } from '../../src/render/escape.js';
import { renderHtml } from '../../src/render/html.js';
import { analyzeRecorded } from '../support/reports.js';
import { fixture } from '../support/fixtures.js';

const analyze = analyzeRecorded;

const HOSTILE = ['@org/team', '<img src=x onerror=alert(1)>', '</script>', '"quoted"', 'a & b', "it's", '`tick`'];
const HOSTILE_TEXT = HOSTILE.join(' ');

/** A small hand-made chart: an XML prolog, namespaces and ids, as renderers write them. */
function svgChart(id: Chart['id'], title: string): Chart {
  return {
    id,
    title,
    svg:
      `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100" viewBox="0 0 200 100">` +
      `<defs><clipPath id="clip1"><rect width="200" height="100"/></clipPath></defs>` +
      `<g clip-path="url(#clip1)"><rect x="10" y="10" width="80" height="80" fill="#4c78a8"/><use xlink:href="#clip1"/></g></svg>`,
  };
}

/** Tag names outside the charts: only those the renderer writes itself. */
const OWN_TAGS = new Set(
  (
    'html head meta title style body header h1 h2 h3 p span strong em ul ol li nav a main section div table thead ' +
    'tbody tr th td code pre article figure figcaption footer'
  ).split(' '),
);

function tagsOutsideCharts(html: string): Set<string> {
  const outside = html.replace(/<figure class="chart"[\s\S]*?<\/figure>/g, '').replace(/<!DOCTYPE html>/, '');
  return new Set([...outside.matchAll(/<\/?([a-zA-Z][^\s/>]*)/g)].map((m) => m[1].toLowerCase()));
}

/** Every start tag in the page (text never holds a raw `<`, so these are all real tags). */
function tags(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

let dir: string;
let baselineFile: string;
let warm: BuildReport;
let edit: BuildReport;
let editNoBaseline: BuildReport;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'html-report-'));
  warm = await analyze('node-app-warm.plain.log');
  baselineFile = join(dir, 'baseline.json');
  await writeFile(baselineFile, JSON.stringify(warm));
  // The edit's re-runs cost 0.2 s: under the default 5 s they would be no regression.
  edit = await analyze('node-app-edit.plain.log', baselineFile, '0s');
  editNoBaseline = await analyze('node-app-edit.plain.log');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('node-app after a source edit, against the warm build', () => {
  let html: string;
  beforeAll(() => {
    html = renderHtml(edit, [svgChart('stage-time', 'Time per stage'), svgChart('cache', 'Cache hits')]);
  });

  test('one HTML5 document with a title, a CSP that allows no script and no fetch, and no script', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<title>BuildKit cache analysis[^<]*<\/title>/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`);
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|<img|@import|@font-face/i);
    expect(tags(html).filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]); // no event handler
  });

  test('no URL of any kind: nothing to fetch, no link out of the page', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    for (const m of html.matchAll(/\shref\s*=\s*["']([^"']*)["']/gi)) expect(m[1]).toMatch(/^#/);
    for (const m of html.matchAll(/url\(([^)]*)\)/gi)) expect(m[1]).toMatch(/^["']?#/);
  });

  test('the verdict: regressions, cache hits and time', () => {
    const header = /<header>[\s\S]*?<\/header>/.exec(html)![0];
    expect(header).toContain('<h1>BuildKit cache analysis</h1>');
    expect(header).toContain('4 regressions'); // 3 steps lost their cache; stage build is 0.2 s slower
    expect(header).toContain('cache hits <strong>57%</strong>');
    expect(header).toContain('step time 0.2s');
    expect(header).toContain('8 steps · 4 cached · 3 ran');
  });

  test('sections present, in order', () => {
    const ids = [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    // The answer first (headline, regressions, causes, fixes); charts, stages and every step after.
    expect(ids).toEqual(['regressions', 'root-causes', 'critical-path', 'charts', 'stages', 'steps']);
    expect(html).toContain('<h2>Against the baseline</h2>');
    expect(html).toContain('<h2>Why steps re-ran</h2>');
  });

  test('charts inlined, one figure each with its caption; ids kept apart, namespaces dropped', () => {
    const figures = [...html.matchAll(/<figure class="chart" id="chart-([^"]+)">([\s\S]*?)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual(['stage-time', 'cache']);
    expect(figures[0][2]).toContain('<figcaption>Time per stage</figcaption>');
    expect(figures[1][2]).toContain('<figcaption>Cache hits</figcaption>');
    expect(figures[0][2]).toMatch(/^<svg width="200"/);
    expect(figures[0][2]).toContain('id="stage-time-clip1"');
    expect(figures[0][2]).toContain('clip-path="url(#stage-time-clip1)"');
    expect(figures[0][2]).toContain('xlink:href="#stage-time-clip1"');
    expect(figures[1][2]).toContain('clip-path="url(#cache-clip1)"');
    expect(html).not.toContain('<?xml');
    expect(html).not.toContain('xmlns');
  });

  test('the stage table has every stage with its deltas against the baseline', () => {
    const stages = /<section id="stages">[\s\S]*?<\/section>/.exec(html)![0];
    expect(stages).toContain('<th class="n">Δ time</th><th class="n">Δ size</th>');
    const rows = [...stages.matchAll(/<tr[^>]*><td>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(rows).toEqual(edit.stages.map((s) => escapeHtml(s.key)));
    expect(stages).toMatch(/<td>build<\/td>.*<span class="worse">\+0\.2s<\/span>/);
  });

  test('regressions with why each step re-ran, and the root cause with its cascade', () => {
    const reg = /<section id="regressions">[\s\S]*?<\/section>/.exec(html)![0];
    expect(reg).toContain('<strong>4 regressions</strong>');
    for (const id of ['build#1', 'build#2', 'stage-2#3']) expect(reg).toContain(`<code>${escapeHtml(id)}</code>`);
    expect(reg).toContain('lost-cache');
    // A step set off by another is named by that step's instruction and line, not its id.
    expect(reg).toContain('set off by <code>COPY src/ ./src/</code> (line 9, stage <code>build</code>)');
    const causes = /<section id="root-causes">[\s\S]*?<\/section>/.exec(html)![0];
    expect(causes).toContain('content-changed <em>(likely)</em>');
    expect(causes).toContain('<code>COPY --from=build /app/dist ./dist</code> (line 14, stage <code>stage-2</code>)');
  });

  test('every step in the step table, with stage, line, status, time and text', () => {
    const table = /<section id="steps">[\s\S]*?<\/section>/.exec(html)![0];
    const rows = [...table.matchAll(/<tr class="s-[a-z]+">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    expect(rows).toHaveLength(edit.steps.length);
    for (const step of edit.steps) {
      const row = rows.find((r) => r.startsWith(`<td class="id"><code>${escapeHtml(step.id)}</code></td>`));
      expect(row).toBeDefined();
      expect(row).toContain(`<td class="id">${escapeHtml(step.stageKey)}</td>`);
      expect(row).toContain(`<td class="n">${step.lines!.start}</td>`);
      expect(row).toContain(`st-${step.status}`);
      expect(row).toContain(escapeHtml(step.text));
    }
    // Dockerfile order within a stage, stages in the report's order.
    const order = rows.map((r) => /<code>([^<]*)<\/code>/.exec(r)![1]);
    expect(order).toEqual(['deps#1', 'deps#2', 'deps#3', 'deps#4', 'build#1', 'build#2', 'stage-2#2', 'stage-2#3']);
  });
});

test('without a baseline: no regressions section and no delta columns; the verdict says so', () => {
  const html = renderHtml(editNoBaseline, []);
  expect(html).not.toContain('id="regressions"');
  expect(html).not.toContain('id="charts"');
  expect(html).not.toContain('Δ time');
  expect(html).toContain('no baseline');
  expect(html).toContain('id="root-causes"');
});

test('the warm build against itself: no regressions', async () => {
  const again = await analyze('node-app-warm.plain.log', baselineFile);
  const html = renderHtml(again, []);
  expect(html).toContain('<span class="pill good">no regressions</span>');
  expect(html).toContain('<p class="good">No regressions.</p>');
});

test('a failed build: the errors with the failing step and its last log lines in <pre>', async () => {
  const failed = (
    await analyzeLog(createReadStream(fixture('recorded', 'failing-run-fail.plain.log')), {
      file: 'failing-run-fail.plain.log',
      dockerfile: fixture('dockerfiles', 'failing-run', 'Dockerfile'),
      format: 'json',
    })
  ).report;
  const html = renderHtml(failed, []);
  expect(html).toContain('<span class="pill bad">Build failed</span>');
  const errors = /<section id="errors">[\s\S]*?<\/section>/.exec(html)![0];
  expect(errors).toContain('<h2>Errors</h2>');
  for (const e of failed.errors) expect(errors).toContain(escapeHtml(e.replace(/\s+/g, ' ').trim()).slice(0, 50));
  const failing = failed.steps.filter((s) => s.status === 'error');
  expect(failing.length).toBeGreaterThan(0);
  for (const s of failing.filter((st) => st.logTail.length))
    expect(errors).toContain(`<pre class="log">${s.logTail.slice(-20).map(escapeHtml).join('\n')}</pre>`);
});

// ---------------------------------------------------------------------------------------------
// Hostile text, through the parser (step names, log lines, errors, warnings) and planted in every
// other field the renderer shows (root causes, suggestions, the baseline's file, chart titles).

function hostileFromLog(): BuildReport {
  const log = [
    `#1 [1/2] FROM docker.io/library/alpine ${HOSTILE_TEXT}\n#1 DONE 0.1s\n`,
    `#2 [2/2] RUN echo ${HOSTILE_TEXT}\n${HOSTILE.map((h, i) => `#2 0.${i} ${h}`).join('\n')}\n#2 ERROR: process "${HOSTILE_TEXT}" exit code: 1\n`,
    `WARNING: ${HOSTILE_TEXT}`,
    `ERROR: failed to solve: ${HOSTILE_TEXT}`,
  ].join('\n');
  return buildReport(parseText(log));
}

function hostileEverywhere(): BuildReport {
  const r: BuildReport = structuredClone(edit);
  r.source.file = HOSTILE_TEXT;
  r.incompleteReasons = [HOSTILE_TEXT];
  r.complete = false;
  for (const s of r.steps) {
    s.text = `${s.text} ${HOSTILE_TEXT}`;
    s.sharedWith = s.sharedWith.map((x) => `${x} ${HOSTILE_TEXT}`);
  }
  r.steps[5].id = `build#2 ${HOSTILE_TEXT}`;
  r.stages[0].key = `deps ${HOSTILE_TEXT}`;
  r.steps[0].stageKey = r.stages[0].key;
  r.errors = [HOSTILE_TEXT];
  r.warnings = [{ message: HOSTILE_TEXT, line: 1, stepId: HOSTILE_TEXT }];
  r.problems = [{ message: HOSTILE_TEXT, line: 2 }];
  const a = r.analysis!;
  a.rootCauses[0].detail = HOSTILE_TEXT;
  a.rootCauses[0].files = [HOSTILE_TEXT];
  a.rootCauses[0].args = [HOSTILE_TEXT];
  a.rootCauses[0].cascade = [HOSTILE_TEXT];
  a.criticalPath.steps[0].id = HOSTILE_TEXT;
  a.suggestions = [
    {
      rule: HOSTILE_TEXT,
      title: HOSTILE_TEXT,
      file: HOSTILE_TEXT,
      lines: { start: 1, end: 2 },
      why: HOSTILE_TEXT,
      diff: `--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1 @@\n-RUN ${HOSTILE_TEXT}\n+RUN ${HOSTILE_TEXT}\n ${HOSTILE_TEXT}\n`,
      evidence: 'data',
      gain: { kind: 'seconds', value: 1, basis: 'measured' },
      confidence: 'high',
      savedSeconds: 1,
      protects: [HOSTILE_TEXT],
    },
  ];
  const c = r.comparison!;
  c.baseline.file = HOSTILE_TEXT;
  c.baseline.commit = HOSTILE_TEXT;
  c.steps[4].text = HOSTILE_TEXT;
  c.stages[1].regressions = ['slower'];
  c.stages[1].key = HOSTILE_TEXT;
  c.added = [HOSTILE_TEXT];
  c.removed = [{ id: HOSTILE_TEXT, text: HOSTILE_TEXT }];
  c.newErrors = [HOSTILE_TEXT];
  c.newWarnings = [HOSTILE_TEXT];
  r.sizes = {
    image: { ref: HOSTILE_TEXT, sizeBytes: 1000 },
    measured: [],
    notMeasured: [{ stage: HOSTILE_TEXT, reason: HOSTILE_TEXT }],
    stages: [],
    unmappedSteps: [],
    warnings: [],
  };
  return r;
}

describe.each([
  ['from the log', hostileFromLog],
  ['in every field', hostileEverywhere],
])('hostile text %s', (_name, make) => {
  let html: string;
  let report: BuildReport;
  beforeAll(() => {
    report = make();
    html = renderHtml(report, [svgChart('stage-time', HOSTILE_TEXT)]);
  });

  test('becomes no markup: only the renderer’s own tags, no handler, no script', () => {
    expect([...tagsOutsideCharts(html)].filter((t) => !OWN_TAGS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<img|<\/?script/i);
    expect(tags(html).filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
  });

  test('is shown as escaped text, the same characters to the reader', () => {
    expect(html).not.toContain('@org');
    expect(html).toContain('&#64;org/team');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('&#60;/script&#62;');
    expect(html).toContain('&#34;quoted&#34;');
    expect(html).toContain('a &#38; b');
    expect(html).toContain('it&#39;s');
    // Every & in the page starts an entity: none comes through raw.
    expect(html).not.toMatch(/&(?!#\d+;|[a-z]+;)/);
  });

  test('every step is still there', () => {
    const rows = [...html.matchAll(/<tr class="s-[a-z]+">/g)];
    expect(rows).toHaveLength(report.steps.length);
  });
});

test('hostile text in every field reaches each section: the suggestion diff in <pre>, the errors, the footer', () => {
  const html = renderHtml(hostileEverywhere(), []);
  const escaped = escapeHtml(HOSTILE_TEXT);
  const sug = /<section id="suggestions">[\s\S]*?<\/section>/.exec(html)![0];
  expect(sug).toContain(`<h3>${escaped}</h3>`);
  expect(sug).toContain(`<span class="del">-RUN ${escaped}</span>`);
  expect(sug).toContain(`<span class="add">+RUN ${escaped}</span>`);
  expect(sug).toContain('<span class="hunk">&#64;&#64; -1 +1 &#64;&#64;</span>');
  expect(/<section id="errors">[\s\S]*?<\/section>/.exec(html)![0]).toContain(`<li>${escaped}</li>`);
  expect(/<section id="warnings">[\s\S]*?<\/section>/.exec(html)![0]).toContain(escaped);
  expect(/<footer>[\s\S]*?<\/footer>/.exec(html)![0]).toContain(`Image <code>${escaped}</code>`);
  expect(/<title>[^<]*<\/title>/.exec(html)![0]).toContain(escaped);
  expect(html).toContain(`<ul class="reasons"><li>${escaped}</li></ul>`);
});

test('control characters from the log do not reach the page', () => {
  const r: BuildReport = structuredClone(edit);
  r.steps[0].text = 'a\u0000b\u001bc\u0007d';
  r.errors = ['x\u0000y'];
  const html = renderHtml(r, []);
  // eslint-disable-next-line no-control-regex
  expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
});

// ---------------------------------------------------------------------------------------------

/** A plain log of `n` steps over 30 stages, as a large multi-stage build prints it. */
function largeLog(n: number): string {
  const stages = 30;
  const per = Math.ceil(n / stages);
  const out: string[] = [];
  let v = 1;
  for (let s = 0; s < stages && v <= n; s++) {
    for (let i = 1; i <= per && v <= n; i++, v++) {
      const cached = v % 3 === 0;
      out.push(`#${v} [stage${s} ${i}/${per}] RUN echo step ${v} && make target-${v} <${v}> & "q"`);
      out.push(cached ? `#${v} CACHED` : `#${v} 0.1 building ${v}\n#${v} DONE ${(v % 17) / 10 + 0.1}s`);
      out.push('');
    }
  }
  return out.join('\n');
}

test('a 3,000-step report renders in well under a second, every step in it', () => {
  const report = buildReport(parseText(largeLog(3000)));
  expect(report.steps).toHaveLength(3000);
  const charts = [svgChart('stage-time', 'Time per stage'), svgChart('waterfall', 'Waterfall')];
  renderHtml(report, charts); // warm-up: the first call pays for compiling the module
  const t0 = performance.now();
  const html = renderHtml(report, charts);
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(300);
  expect([...html.matchAll(/<tr class="s-[a-z]+">/g)]).toHaveLength(3000);
  expect([...html.matchAll(/<section id="stages">[\s\S]*?<\/section>/g)][0][0].match(/<tr>/g)).toHaveLength(31);
});
