// The PNG/SVG charts on real reports: the node-app build after a source edit (recorded plain and
// rawjson logs), compared with the warm build before it, and the node-app image's recorded sizes.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-wasm';
import { analyzeLog } from '../../src/analyze-command.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { parseHistory, parseInspect } from '../../src/image/docker-image.js';
import { measureImage } from '../../src/image/measure.js';
import type { ImageReader } from '../../src/image/types.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { renderCharts, type Chart } from '../../src/render/charts/index.js';
import { svgToPixels, svgToPng, warmUpPng } from '../../src/render/charts/png.js';
import { specToSvg, WARM_UP_SPEC, warmUpSvg } from '../../src/render/charts/index.js';
import { label, MAX_STEPS } from '../../src/render/charts/specs.js';
import { analyzeRecorded } from '../support/reports.js';
import { fixture, listFixtures, readFixture } from '../support/fixtures.js';

const STAGES = ['deps', 'build', 'stage-2'];
const tmp = mkdtempSync(join(tmpdir(), 'bca-charts-'));

const analyze = analyzeRecorded;

/** The edit build of `format`, with the warm build before it as the baseline (its JSON report in a file). */
async function editWithBaseline(format: 'plain.log' | 'rawjson'): Promise<BuildReport> {
  const warm = await analyze(`node-app-warm.${format}`);
  const file = join(tmp, `warm-${format}.json`);
  writeFileSync(file, JSON.stringify(warm));
  return analyze(`node-app-edit.${format}`, file);
}

/** The node-app image build with its sizes measured from the recorded `docker history` (as in test/image). */
async function sizedReport(): Promise<BuildReport> {
  const read = (name: string) => readFixture('image', 'node-app', name);
  const dockerfile = parseDockerfile(readFixture('dockerfiles', 'node-app', 'Dockerfile'));
  const report = buildReport(parseText(read('build.plain.log')), {
    dockerfile: { path: 'Dockerfile', parsed: dockerfile },
  });
  const FINAL = 'app:final';
  const name = (ref: string) => (ref === FINAL ? 'final' : /^buildkit-cache-analytics-stage:([\w.-]+)-/.exec(ref)![1]);
  const images: ImageReader = {
    inspect: async (ref) => parseInspect(ref, read(`${name(ref)}.inspect.json`)),
    history: async (ref) => ({ available: true, entries: parseHistory(read(`${name(ref)}.history.jsonl`)) as never }),
    remove: async () => null,
  };
  report.sizes = await measureImage(report, {
    docker: 'docker',
    image: FINAL,
    dockerfile,
    images,
    buildStage: async (stage) => ({ ok: true, text: read(`${stage}.stage.plain.log`) }),
  });
  return report;
}

function byId(charts: Chart[], id: Chart['id']): Chart {
  const chart = charts.find((c) => c.id === id);
  if (!chart) throw new Error(`no ${id} chart among ${charts.map((c) => c.id).join(', ')}`);
  return chart;
}

/** The marks vega drew with this role (`bar`, `tick`...): their aria labels, `field: value; ...`, as records. */
function marks(svg: string, role: string): Record<string, string>[] {
  const re = new RegExp(`<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="${role}"`, 'g');
  return [...svg.matchAll(re)].map((m) =>
    Object.fromEntries(m[1].split('; ').map((kv) => [kv.slice(0, kv.indexOf(': ')), kv.slice(kv.indexOf(': ') + 2)])),
  );
}

/** The text drawn in `<text>` elements (still escaped). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Well-formed XML, as resvg's strict parser reads it (it throws otherwise). */
function parses(svg: string): boolean {
  const r = new Resvg(svg, { font: { loadSystemFonts: false } });
  r.free();
  return true;
}

let plain: BuildReport;
let raw: BuildReport;
let sized: BuildReport;
let plainCharts: Chart[];
let rawCharts: Chart[];
let sizedCharts: Chart[];

beforeAll(async () => {
  [plain, raw, sized] = await Promise.all([editWithBaseline('plain.log'), editWithBaseline('rawjson'), sizedReport()]);
  plainCharts = await renderCharts(plain);
  rawCharts = await renderCharts(raw);
  sizedCharts = await renderCharts(sized);
  // Initialises the wasm for `parses` too.
  await svgToPng(plainCharts[0].svg);
}, 120_000); // three analyses, the charts and the wasm: seconds on a loaded machine

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('the charts each report has data for, in order, each a standalone SVG with its title drawn', () => {
  expect(plainCharts.map((c) => c.id)).toEqual(['stage-time', 'cache']);
  expect(rawCharts.map((c) => c.id)).toEqual(['stage-time', 'cache', 'waterfall']);
  expect(sizedCharts.map((c) => c.id)).toEqual(['stage-time', 'cache', 'stage-size']);
  for (const c of [...plainCharts, ...rawCharts, ...sizedCharts]) {
    expect(c.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+" height="\d+"/);
    expect(c.svg.endsWith('</svg>')).toBe(true);
    expect(c.svg).not.toMatch(/(href|src)="(?!#)/); // nothing external
    expect(texts(c.svg)).toContain(c.title);
    expect(c.svg).toContain('font-family="DejaVu Sans"');
    expect(c.svg).not.toMatch(/font-family="(?!DejaVu Sans")/);
    expect(parses(c.svg)).toBe(true);
  }
});

test('stage-time: one bar per stage, and the baseline as one tick per stage it had', () => {
  const c = byId(plainCharts, 'stage-time');
  expect(c.title).toBe('Time per stage, against the baseline');
  for (const s of STAGES) expect(texts(c.svg)).toContain(s);
  const bars = marks(c.svg, 'bar');
  expect(bars).toHaveLength(3);
  const seconds = Object.fromEntries(plain.stages.map((s) => [s.key, s.seconds]));
  const X = 'seconds (sum of the stage’s step times)';
  for (const s of STAGES) expect(bars).toContainEqual({ stage: s, [X]: String(seconds[s]), series: 'this build' });
  const ticks = marks(c.svg, 'tick');
  expect(ticks).toHaveLength(plain.comparison!.stages.length);
  expect(plain.comparison!.stages.map((s) => s.key).sort()).toEqual([...STAGES].sort());
  expect(texts(c.svg)).toEqual(
    expect.arrayContaining(['this build', 'baseline', 'seconds (sum of the stage’s step times)']),
  );
});

test('stage-time without a baseline: bars and their times, no ticks, no legend', async () => {
  const [c] = await renderCharts(await analyze('node-app-edit.plain.log'));
  expect(c.title).toBe('Time per stage');
  expect(marks(c.svg, 'bar')).toHaveLength(3);
  expect(marks(c.svg, 'tick')).toHaveLength(0);
  expect(texts(c.svg)).toContain('0.2s');
  expect(texts(c.svg)).not.toContain('baseline');
});

test('cache: the stacked counts per stage are the report’s statuses', () => {
  const c = byId(rawCharts, 'cache');
  for (const s of STAGES) expect(texts(c.svg)).toContain(s);
  const bars = marks(c.svg, 'bar');
  const expected = raw.stages.flatMap((s) =>
    Object.entries(s.counts)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => ({ stage: s.key, status, n })),
  );
  expect(bars).toHaveLength(expected.length);
  for (const e of expected)
    expect(bars).toContainEqual(expect.objectContaining({ stage: e.stage, status: e.status, steps: String(e.n) }));
  // Every stage has a bar, and the legend names the statuses present (deps: 3 cached + its FROM).
  expect(new Set(bars.map((b) => b.stage))).toEqual(new Set(STAGES));
  expect(texts(c.svg)).toEqual(expect.arrayContaining(['cached', 'ran', 'source', 'status', 'steps']));
});

test('stage-size: the bytes each stage adds, from the measured sizes; no chart without sizes', () => {
  const c = byId(sizedCharts, 'stage-size');
  expect(c.title).toBe('Image size each stage adds');
  const bars = marks(c.svg, 'bar');
  const stages = sized.sizes!.stages;
  expect(stages.map((s) => s.key)).toEqual(STAGES);
  expect(bars).toHaveLength(3);
  for (const s of stages)
    expect(bars).toContainEqual({ stage: s.key, 'bytes added by the stage’s instructions': String(s.addedBytes) });
  expect(texts(c.svg)).toContain('182 B (image 2.0 MB)');
  expect(plainCharts.some((ch) => ch.id === 'stage-size')).toBe(false);
  expect(rawCharts.some((ch) => ch.id === 'stage-size')).toBe(false);
});

test('waterfall: one bar per timed step from its start to its end; left out when no step has times', () => {
  const c = byId(rawCharts, 'waterfall');
  expect(c.title).toBe('Steps over time');
  const timed = raw.steps.filter((s) => s.started !== null && s.completed !== null);
  expect(timed).toHaveLength(raw.steps.length);
  const bars = marks(c.svg, 'bar');
  expect(bars).toHaveLength(timed.length);
  const t0 = Math.min(...timed.map((s) => s.started!));
  const slowest = timed.reduce((a, b) => (b.completed! - b.started! > a.completed! - a.started! ? b : a));
  expect(slowest.text).toMatch(/^RUN mkdir -p dist/);
  const from = (slowest.started! - t0) / 1000;
  const to = (slowest.completed! - t0) / 1000;
  expect(bars).toContainEqual(
    expect.objectContaining({ 'seconds since the build started': String(from), end: String(to), status: 'ran' }),
  );
  expect(texts(c.svg)).toEqual(expect.arrayContaining(['build 2/2 RUN mkdir -p dist &amp;&amp; cat src…', 'ran']));
  // The plain log has step times but no start and end.
  expect(plain.steps.every((s) => s.started === null)).toBe(true);
  expect(plainCharts.some((ch) => ch.id === 'waterfall')).toBe(false);
});

test(`waterfall of a long build: the ${MAX_STEPS} longest steps, and the title says so`, async () => {
  const step = raw.steps.find((s) => s.status === 'ran')!;
  const many: BuildReport = {
    ...raw,
    steps: Array.from({ length: 250 }, (_, i) => ({
      ...step,
      id: `s#${i}`,
      index: i + 1,
      count: 250,
      text: `RUN step ${i}`,
      started: 1_000_000 + i * 100,
      completed: 1_000_000 + i * 100 + (i % 50) * 10,
    })),
  };
  const c = byId(await renderCharts(many), 'waterfall');
  expect(c.title).toBe(`Steps over time (the ${MAX_STEPS} longest of 250 steps)`);
  expect(texts(c.svg)).toContain(c.title);
  expect(marks(c.svg, 'bar')).toHaveLength(MAX_STEPS);
});

test('deterministic: the same report gives the same bytes, whatever was rendered before', async () => {
  const again = await renderCharts(raw);
  await renderCharts(sized);
  const third = await renderCharts(JSON.parse(JSON.stringify(raw)) as BuildReport);
  expect(again).toEqual(rawCharts);
  expect(third).toEqual(rawCharts);
  expect(await svgToPng(rawCharts[0].svg)).toEqual(await svgToPng(again[0].svg));
});

test('text from the log cannot break the SVG: markup, entities, quotes, CDATA ends and control characters', async () => {
  const HOSTILE = '<script>&amp; "q" ]]> \'a\' \u0007\ud800';
  const hostile = JSON.parse(JSON.stringify(raw)) as BuildReport;
  hostile.stages[0].key = `${HOSTILE} stage`;
  for (const s of hostile.steps) {
    if (s.stageKey === raw.stages[0].key) s.stageKey = hostile.stages[0].key;
    s.text = `RUN ${HOSTILE}`;
  }
  hostile.sizes = { ...sized.sizes!, stages: sized.sizes!.stages.map((s) => ({ ...s, key: `${HOSTILE} ${s.key}` })) };
  const charts = await renderCharts(hostile);
  expect(charts.map((c) => c.id)).toEqual(['stage-time', 'cache', 'stage-size', 'waterfall']);
  for (const c of charts) {
    expect(c.svg).not.toMatch(/<script|<\/script|]]>|\ud800/);
    expect(c.svg.includes('\u0007')).toBe(false);
    expect(c.svg).not.toMatch(/&(?!(amp|lt|gt|quot|#x[9AD]);)/);
    expect(c.svg).toContain('&lt;script&gt;&amp;amp; ');
    expect(c.svg).toContain(']]&gt;');
    expect(parses(c.svg)).toBe(true);
    expect((await svgToPng(c.svg)).length).toBeGreaterThan(1000);
  }
  const labels = texts(byId(charts, 'cache').svg);
  expect(labels).toContain('&lt;script&gt;&amp;amp; "q" ]]&gt; \'a\' \ufffd stage');
  expect(label('a\u0000\u001fb\n\tc\ud83d')).toBe('a b c\ufffd');
  expect(label('x'.repeat(60))).toBe(`${'x'.repeat(47)}…`);
});

test('the chart threads’ warm-ups draw (a failure there would only cost time, unnoticed)', async () => {
  await expect(warmUpPng()).resolves.toBeUndefined();
  await expect(warmUpSvg()).resolves.toBeUndefined();
  const svg = await specToSvg(WARM_UP_SPEC);
  expect(parses(svg)).toBe(true);
  // Drawn as the real charts are: a title, an axis with its labels, a legend.
  expect(texts(svg)).toEqual(expect.arrayContaining(['warm-up', 'a', 'b', 'p', 'q']));
});

test('a report without stages or timed steps has no charts', async () => {
  const empty: BuildReport = { ...raw, steps: [], stages: [], comparison: undefined };
  expect(await renderCharts(empty)).toEqual([]);
});

test.each([
  ...listFixtures('recorded', '.plain.log').map((f) => ['recorded', f]),
  ...listFixtures('recorded', '.rawjson').map((f) => ['recorded', f]),
  ...listFixtures('corpus', '.log').map((f) => ['corpus', f]),
])('every chart of %s/%s is well-formed and names every stage it draws', async (dir, file) => {
  const report = (await analyzeLog(createReadStream(fixture(dir, file)), { file, dockerfile: null, format: 'json' }))
    .report;
  const charts = await renderCharts(report);
  // Real logs of builds that failed before any Dockerfile step (a base image missing for a platform, BuildKit
  // not booting) have no stage to draw: no charts at all.
  if (report.stages.length === 0) return expect(charts).toEqual([]);
  expect(charts.length).toBeGreaterThan(0);
  for (const c of charts) {
    expect(parses(c.svg)).toBe(true);
    expect(texts(c.svg)).toContain(c.title);
  }
  const stages = report.stages.filter((s) => s.key !== '(external)').map((s) => label(s.key));
  const time = byId(charts, 'stage-time');
  expect(marks(time.svg, 'bar').map((b) => b.stage)).toEqual(stages);
  const timed = report.steps.filter((s) => s.started !== null && s.completed !== null);
  expect(charts.some((c) => c.id === 'waterfall')).toBe(timed.length > 0);
  if (timed.length) expect(marks(byId(charts, 'waterfall').svg, 'bar')).toHaveLength(timed.length);
});

describe('PNG', () => {
  /** Width and height from the IHDR chunk, after the 8-byte signature. */
  function ihdr(png: Uint8Array): { width: number; height: number } {
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    expect(String.fromCharCode(...png.slice(12, 16))).toBe('IHDR');
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }

  function dark(pixels: Uint8Array, width: number, rows: [number, number] = [0, Infinity]): number {
    let n = 0;
    const end = Math.min(pixels.length, rows[1] * width * 4);
    for (let i = rows[0] * width * 4; i < end; i += 4) {
      if (pixels[i + 3] > 200 && pixels[i] + pixels[i + 1] + pixels[i + 2] < 200) n++;
    }
    return n;
  }

  test.each(['stage-time', 'cache', 'stage-size', 'waterfall'] as const)(
    '%s: a PNG at twice the SVG size, with dark text and bars on white',
    async (id) => {
      const c = byId([...rawCharts, ...sizedCharts], id);
      const png = await svgToPng(c.svg);
      expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const size = ihdr(png);
      const svgSize = /width="(\d+)" height="(\d+)"/.exec(c.svg)!.slice(1).map(Number);
      expect(size).toEqual({ width: svgSize[0] * 2, height: svgSize[1] * 2 });
      expect(size.width).toBeGreaterThan(600);
      expect(size.width).toBeLessThan(3000);
      expect(size.height).toBeGreaterThan(150);
      expect(size.height).toBeLessThan(3000);
      const { width, height, pixels } = await svgToPixels(c.svg, { scale: 1 });
      expect([width, height]).toEqual(svgSize);
      expect(pixels[0]).toBe(255); // white background, not transparent
      expect(pixels[3]).toBe(255);
      // The title, drawn in the top 40 pixels, and the rest (labels, axes).
      expect(dark(pixels, width, [0, 40])).toBeGreaterThan(200);
      expect(dark(pixels, width, [40, height])).toBeGreaterThan(500);
      // Bars in colour (not grey).
      let coloured = 0;
      for (let i = 0; i < pixels.length; i += 4)
        if (Math.max(pixels[i], pixels[i + 1], pixels[i + 2]) - Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) > 60)
          coloured++;
      expect(coloured).toBeGreaterThan(100);
    },
  );

  test('text is drawn with the shipped font (without it resvg draws no text at all), regular and bold', async () => {
    const svg = (weight: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-family="DejaVu Sans" font-size="20" font-weight="${weight}">Stage ÄÖ ΣЖ</text></svg>`;
    const regular = await svgToPixels(svg('normal'), { scale: 1 });
    const bold = await svgToPixels(svg('bold'), { scale: 1 });
    expect(dark(regular.pixels, 200)).toBeGreaterThan(300);
    expect(dark(bold.pixels, 200)).toBeGreaterThan(dark(regular.pixels, 200) * 1.2);
    const bare = new Resvg(svg('normal'), { font: { loadSystemFonts: false }, background: 'white' });
    const image = bare.render();
    expect(dark(image.pixels, 200)).toBe(0);
    image.free();
    bare.free();
  });

  test('a very tall chart is scaled down to at most 8000 pixels', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="5000"><rect width="100" height="5000"/></svg>';
    const { width, height } = ihdr(await svgToPng(svg));
    expect([width, height]).toEqual([160, 8000]);
  });
});
