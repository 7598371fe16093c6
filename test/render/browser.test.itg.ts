// The reports as a reader's browser shows them, in headless Chromium (Debian's, driven by
// playwright-core): the HTML report offline with JavaScript off, the PNG charts decoded and drawn,
// and every Mermaid block of the markdown report parsed and rendered by the real mermaid package.
// One browser for the file; each check gets its own context in which every request is refused.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import type { Chart } from '../../src/render/charts/types.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import {
  chromiumAvailable,
  closeChromium,
  describeWithChromium,
  launchChromium,
  offlinePage,
  type OfflinePage,
} from '../support/chromium.js';
import { analyzeRecorded } from '../support/reports.js';
import { rootDir } from '../support/fixtures.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(180_000);

/** For hooks and tests that start a browser context, load mermaid or render charts (defaults are 5 s). */
const SLOW = 30_000;

const CHARTS_INDEX = join(rootDir, 'src', 'render', 'charts', 'index.ts');
const CHARTS_PNG = join(rootDir, 'src', 'render', 'charts', 'png.ts');
const MERMAID_JS = join(rootDir, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');

const analyze = analyzeRecorded;

/** Hand-made charts, for when the charts module is not there. */
function handMadeCharts(): Chart[] {
  const bar = (x: number, h: number, fill: string) =>
    `<rect x="${x}" y="${120 - h}" width="40" height="${h}" fill="${fill}"/>`;
  const svg = (body: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="140" viewBox="0 0 300 140">` +
    `<defs><clipPath id="clip1"><rect width="300" height="140"/></clipPath></defs>` +
    `<rect width="300" height="140" fill="white"/><g clip-path="url(#clip1)">${body}</g></svg>`;
  return [
    { id: 'stage-time', title: 'Time per stage', svg: svg(bar(20, 30, '#4c78a8') + bar(80, 100, '#4c78a8')) },
    {
      id: 'cache',
      title: 'Cached and re-run steps per stage',
      svg: svg(bar(20, 60, '#54a24b') + bar(80, 20, '#e45756')),
    },
  ];
}

type RenderCharts = (report: BuildReport) => Promise<Chart[]>;
type SvgToPng = (svg: string) => Promise<Uint8Array>;

/** The real charts when src/render/charts/index.ts is there (its import errors fail the tests). */
async function chartsModule(): Promise<RenderCharts | null> {
  if (!existsSync(CHARTS_INDEX)) return null;
  const mod = (await import('../../src/render/charts/index.js')) as { renderCharts: RenderCharts };
  return mod.renderCharts;
}

async function pngModule(): Promise<SvgToPng | null> {
  if (!existsSync(CHARTS_PNG)) return null;
  const mod = (await import('../../src/render/charts/png.js')) as { svgToPng: SvgToPng };
  return mod.svgToPng;
}

// The few DOM types the page functions use: tsconfig has no DOM lib, and these functions run in
// the browser (playwright serialises them), so they reach the page's globals through globalThis.
interface DomElement {
  textContent: string | null;
  innerHTML: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
  append(child: DomElement): void;
  remove(): void;
}
interface DomImage extends DomElement {
  src: string;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
interface Canvas2d {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: DomImage, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface DomCanvas extends DomElement {
  width: number;
  height: number;
  getContext(kind: '2d'): Canvas2d | null;
}
interface Mermaid {
  initialize(config: object): void;
  parse(code: string): Promise<{ diagramType: string } | false>;
  render(id: string, code: string): Promise<{ svg: string }>;
}
interface PageGlobals {
  document: {
    body: DomElement;
    createElement(tag: 'img'): DomImage;
    createElement(tag: 'canvas'): DomCanvas;
    createElement(tag: 'div'): DomElement;
  };
  mermaid: Mermaid;
}

interface Pixels {
  width: number;
  height: number;
  /** Pixels visibly darker than white, once drawn over white. */
  ink: number;
  /** Distinct colours (quantised), to tell a chart from a flat fill. */
  colours: number;
}

/** Decodes an image (data: URL) as an <img> in the page and counts what it draws on a canvas. */
function measureImage(page: Page, src: string): Promise<Pixels> {
  return page.evaluate(async (url) => {
    const { document } = globalThis as unknown as PageGlobals;
    const img = document.createElement('img');
    img.src = url;
    document.body.append(img);
    await img.decode();
    const { naturalWidth: width, naturalHeight: height } = img;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    let ink = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink++;
      colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
    }
    img.remove();
    return { width, height, ink, colours: colours.size };
  }, src);
}

function dataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

const HOSTILE = ['@org/team', '<img src=x onerror=alert(1)>', '</script>', '"q"', 'a & b'];

/** A report whose step names, log lines, errors and warnings carry the hostile strings. */
function hostileReport(): BuildReport {
  const text = HOSTILE.join(' ');
  const log = [
    `#1 [1/2] FROM docker.io/library/alpine ${text}\n#1 DONE 0.1s\n`,
    `#2 [2/2] RUN echo ${text}\n${HOSTILE.map((h, i) => `#2 0.${i} ${h}`).join('\n')}\n#2 ERROR: process "${text}" exit code: 1\n`,
    `WARNING: ${text}`,
    `ERROR: failed to solve: ${text}`,
  ].join('\n');
  return buildReport(parseText(log));
}

/** Stage names a log can carry (a label ends at its first `]`): quotes, brackets, arrows, unicode, directives. */
const HOSTILE_STAGES = ['a"b', "a'b", 'x[y', 'a-->b', 'ステージ', 'é"', 'st%%{init}', 'b;c:d', 'linux/amd64 build'];

function hostileStagesFromLog(): BuildReport {
  let n = 1;
  const lines: string[] = [];
  for (const s of HOSTILE_STAGES) {
    lines.push(`#${n} [${s} 1/2] FROM docker.io/x\n#${n} DONE 0.1s\n`);
    n++;
    lines.push(`#${n} [${s} 2/2] RUN make\n#${n} DONE ${n / 4}s\n`);
    n++;
  }
  return buildReport(parseText(lines.join('\n')));
}

/** Stage keys no log parser would give, put straight into a report with a baseline. */
const PLANTED_STAGES = [
  'q"uote',
  'br]ack[et',
  'arrow-->x',
  'line\nbreak"]\n    bar [99]',
  '%%{init: {"theme":"dark"}}%%',
  '<script>alert(1)</script>',
  'back\\slash`tick`',
  'Ünïcødé ✓ 🐳',
  'frontend/linux/amd64/build',
  'frontend/linux/amd64/builder',
];

function plantedStages(edit: BuildReport): BuildReport {
  const r: BuildReport = structuredClone(edit);
  const template = r.stages[1];
  r.stages = PLANTED_STAGES.map((key, i) => ({ ...structuredClone(template), key, seconds: i + 0.5 }));
  r.comparison!.stages = PLANTED_STAGES.map((key, i) => ({
    key,
    seconds: { from: i, to: i + 0.5 },
    sizeBytes: { from: null, to: null },
    regressions: [],
  }));
  return r;
}

/** Every ```mermaid block of a markdown document (fences of any length). */
function mermaidBlocks(md: string): string[] {
  return [...md.matchAll(/^(`{3,})mermaid\n([\s\S]*?)\n\1$/gm)].map((m) => m[2]);
}

/** The quoted categories of an xychart's x-axis line. */
function xLabels(code: string): string[] {
  const axis = /^\s*x-axis \[(.*)\]\s*$/m.exec(code);
  return axis ? [...axis[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]) : [];
}

interface Rendered {
  diagramType: string;
  svg: string;
  title: string;
  labels: string[];
  bars: number;
  /** Distinct x positions of the bars: one per category when categories are distinct. */
  barSlots: number;
  lines: number;
  scripts: number;
}

describeWithChromium(chromiumAvailable())('reports in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let warm: BuildReport;
  let edit: BuildReport;
  let editNoBaseline: BuildReport;
  /** The same build from rawjson: start and end times, so a waterfall chart too. */
  let editRawjson: BuildReport;
  let renderCharts: RenderCharts | null;
  const timings: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'browser-report-'));
    warm = await analyze('node-app-warm.plain.log');
    const baseline = join(dir, 'baseline.json');
    await writeFile(baseline, JSON.stringify(warm));
    edit = await analyze('node-app-edit.plain.log', baseline, '0s'); // 0.2 s of re-runs: regressions only over 0 s
    editNoBaseline = await analyze('node-app-edit.plain.log');
    editRawjson = await analyze('node-app-edit.rawjson', baseline);
    renderCharts = await chartsModule();
    const t0 = performance.now();
    browser = await launchChromium();
    timings.push(`launch ${Math.round(performance.now() - t0)} ms`);
  }, SLOW);

  afterAll(async () => {
    await closeChromium(browser);
    if (dir) await rm(dir, { recursive: true, force: true });
    if (process.env.BROWSER_TIMINGS) console.log(timings.join('\n'));
  });

  /** Times one check (printed with BROWSER_TIMINGS=1). */
  async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings.push(`${name} ${Math.round(performance.now() - t0)} ms`);
    }
  }

  async function chartsFor(report: BuildReport): Promise<Chart[]> {
    return renderCharts ? renderCharts(report) : handMadeCharts();
  }

  test('the offline harness sees a request when a page makes one (control)', async () => {
    const p = await offlinePage(browser, {
      html: '<!DOCTYPE html><title>x</title><img src="http://example.invalid/x.png"><link rel="stylesheet" href="https://example.invalid/x.css">',
    });
    try {
      expect(p.attempted).toEqual(
        expect.arrayContaining(['http://example.invalid/x.png', 'https://example.invalid/x.css']),
      );
    } finally {
      await p.context.close();
    }
  });

  describe('the HTML report, offline with JavaScript off', () => {
    let charts: Chart[];
    let html: string;
    let view: OfflinePage;

    beforeAll(async () => {
      charts = await chartsFor(edit);
      html = renderHtml(edit, charts);
      view = await timed('html: load', () =>
        offlinePage(browser, { html, javaScriptEnabled: false, viewport: { width: 1280, height: 900 } }),
      );
    }, SLOW);

    afterAll(async () => {
      await view?.context.close();
    });

    test('nothing is fetched: no request beyond the page itself, and no URL in the page', () => {
      expect(view.attempted).toEqual([]);
      expect(html).not.toMatch(/https?:\/\//);
    });

    test('title, headings and a row per step', async () => {
      const { page } = view;
      expect(await page.title()).toBe('BuildKit cache analysis – node-app-edit.plain.log');
      expect(await page.locator('h1').innerText()).toBe('BuildKit cache analysis');
      expect(await page.locator('header .verdict').innerText()).toMatch(/4 regressions.*cache hits 57%.*step time/s);
      const h2 = await page.locator('h2').allInnerTexts();
      expect(h2).toEqual(
        expect.arrayContaining(['Charts', 'Stages', 'Against the baseline', 'Why steps re-ran', 'All steps (8)']),
      );
      const ids = await page.locator('#steps tbody tr td:first-child').allInnerTexts();
      expect(ids.sort()).toEqual(edit.steps.map((s) => s.id).sort());
      const stages = await page.locator('#stages tbody tr td:first-child').allInnerTexts();
      expect(stages).toEqual(edit.stages.map((s) => s.key));
      const instruction = await page.locator('#steps tbody tr', { hasText: 'build#2' }).locator('td.code').innerText();
      expect(instruction).toBe(edit.steps.find((s) => s.id === 'build#2')!.text);
    });

    test('each chart is an inline SVG with a size on the page, under its caption', async () => {
      const { page } = view;
      expect(charts.length).toBeGreaterThan(0);
      expect(await page.locator('figure.chart').count()).toBe(charts.length);
      expect(await page.locator('figure.chart figcaption').allInnerTexts()).toEqual(charts.map((c) => c.title));
      const svgs = page.locator('figure.chart > svg');
      expect(await svgs.count()).toBe(charts.length);
      for (let i = 0; i < charts.length; i++) {
        const box = await svgs.nth(i).boundingBox();
        expect(box).not.toBeNull();
        expect(box!.width).toBeGreaterThan(50);
        expect(box!.height).toBeGreaterThan(50);
        // The SVG is in the SVG namespace and draws shapes (not an unknown HTML element).
        expect(await svgs.nth(i).evaluate((el) => el.namespaceURI)).toBe('http://www.w3.org/2000/svg');
        expect(await svgs.nth(i).locator('rect, path').count()).toBeGreaterThan(0);
      }
    });

    test('the screenshot is not blank', async () => {
      const shot = await timed('html: screenshot', () => view.page.screenshot({ fullPage: true }));
      const check = await offlinePage(browser, { html: '<!DOCTYPE html><title>pixels</title>' });
      try {
        const px = await measureImage(check.page, dataUrl(shot));
        expect(px.width).toBe(1280);
        expect(px.ink / (px.width * px.height)).toBeGreaterThan(0.01);
        expect(px.colours).toBeGreaterThan(8);
      } finally {
        await check.context.close();
      }
    });
  });

  test('hostile text stays text, even with JavaScript on: no element, no handler ran, same characters shown', async () => {
    const report = hostileReport();
    const html = renderHtml(report, await chartsFor(report));
    const view = await offlinePage(browser, { html });
    const dialogs: string[] = [];
    view.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      const { page } = view;
      expect(await page.locator('img, script, iframe, object, embed').count()).toBe(0);
      const shown = await page.locator('body').innerText();
      for (const h of HOSTILE) expect(shown).toContain(h);
      expect(await page.locator('#errors').innerText()).toContain('<img src=x onerror=alert(1)>');
      expect(dialogs).toEqual([]);
      expect(view.attempted).toEqual([]);
    } finally {
      await view.context.close();
    }
  });

  describe('PNG charts', () => {
    // Collected here: the test list must not depend on an import that may fail.
    const pngPresent = existsSync(CHARTS_PNG);
    let page: OfflinePage;

    beforeAll(async () => {
      page = await offlinePage(browser, { html: '<!DOCTYPE html><title>png</title>' });
    });

    afterAll(async () => {
      await page?.context.close();
    });

    (pngPresent ? test : test.skip)(
      'each PNG decodes in an <img> and is not blank',
      async () => {
        const svgToPng = (await pngModule())!;
        const charts = [...(await chartsFor(edit)), ...(await chartsFor(editRawjson))];
        expect(charts.length).toBeGreaterThan(0);
        await timed(`png: ${charts.length} charts`, async () => {
          for (const chart of charts) {
            const png = await svgToPng(chart.svg);
            expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
            const px = await measureImage(page.page, dataUrl(png));
            expect(px.width).toBeGreaterThan(0);
            expect(px.height).toBeGreaterThan(0);
            expect({ chart: chart.id, inked: px.ink / (px.width * px.height) > 0.005 }).toEqual({
              chart: chart.id,
              inked: true,
            });
            expect(px.colours).toBeGreaterThan(4);
          }
        });
        expect(page.attempted).toEqual([]);
      },
      SLOW,
    );
  });

  describe('Mermaid blocks of the markdown report', () => {
    let page: OfflinePage;

    beforeAll(async () => {
      page = await offlinePage(browser, { html: '<!DOCTYPE html><title>mermaid</title><body></body>' });
      await timed('mermaid: load', async () => {
        await page.page.addScriptTag({ path: MERMAID_JS });
        await page.page.evaluate(() => {
          const m = (globalThis as unknown as PageGlobals).mermaid;
          m.initialize({ startOnLoad: false, securityLevel: 'strict' });
        });
      });
    }, SLOW);

    afterAll(async () => {
      await page?.context.close();
    });

    let seq = 0;
    /** Parses a block (a parse error fails with mermaid's message and the block) and renders it to SVG. */
    async function render(code: string): Promise<Rendered> {
      const id = `chart${seq++}`;
      const out = await page.page.evaluate(
        async ([code, id]) => {
          const { mermaid: m, document } = globalThis as unknown as PageGlobals;
          let parsed: { diagramType: string } | false;
          try {
            parsed = await m.parse(code);
          } catch (e) {
            return { error: String(e) };
          }
          if (!parsed) return { error: 'parse returned false' };
          const { svg } = await m.render(id, code);
          const holder = document.createElement('div');
          holder.innerHTML = svg;
          const texts = (sel: string) => [...holder.querySelectorAll(sel)].map((t) => t.textContent ?? '');
          return {
            diagramType: parsed.diagramType,
            svg,
            title: texts('.chart-title text').join(''),
            labels: texts('.bottom-axis .label text'),
            bars: holder.querySelectorAll('[class^="bar-plot"] rect').length,
            barSlots: new Set([...holder.querySelectorAll('[class^="bar-plot"] rect')].map((r) => r.getAttribute('x')))
              .size,
            lines: holder.querySelectorAll('[class^="line-plot"] path').length,
            scripts: holder.querySelectorAll('script, foreignObject, iframe, img').length,
          };
        },
        [code, id] as const,
      );
      if ('error' in out) throw new Error(`mermaid block does not parse: ${out.error}\n--- block ---\n${code}`);
      return out;
    }

    /** Checks every block of a report's markdown; returns the rendered blocks. */
    async function checkReport(report: BuildReport, baseline: boolean): Promise<Rendered[]> {
      const md = renderMarkdown(report);
      const blocks = mermaidBlocks(md);
      expect(blocks.length).toBeGreaterThan(0);
      const stages = report.stages.filter((s) => s.key !== '(external)').slice(0, 20);
      const out: Rendered[] = [];
      for (const code of blocks) {
        expect(code.split('\n')[0]).toBe('xychart-beta');
        const r = await render(code);
        expect(r.diagramType).toBe('xychart');
        expect(r.title).toBe('Time per stage (s)');
        expect(r.scripts).toBe(0);
        // One category and one bar per stage: no label broke out of its string or the block.
        expect(xLabels(code)).toHaveLength(stages.length);
        expect(r.labels).toEqual(xLabels(code));
        expect(r.bars).toBe(stages.length);
        expect(r.lines).toBe(baseline ? 1 : 0);
        out.push(r);
      }
      return out;
    }

    test('node-app after an edit, against the warm build: bars and the baseline line, stage names shown', async () => {
      const [r] = await timed('mermaid: edit + baseline', () => checkReport(edit, true));
      expect(r.labels).toEqual(['deps', 'build', 'stage-2']);
      expect(page.attempted).toEqual([]);
    });

    test('node-app after an edit, no baseline: bars only', async () => {
      const [r] = await timed('mermaid: edit', () => checkReport(editNoBaseline, false));
      expect(r.labels).toEqual(['deps', 'build', 'stage-2']);
    });

    test('node-app warm build, no baseline', async () => {
      const [r] = await checkReport(warm, false);
      expect(r.labels).toEqual(warm.stages.map((s) => s.key));
    });

    test('hostile stage names from a log: every block parses, one label per stage, nothing breaks out', async () => {
      const report = hostileStagesFromLog();
      expect(report.stages.map((s) => s.key)).toEqual(HOSTILE_STAGES.map((s) => s.replace(' ', '/')));
      const [r] = await timed('mermaid: hostile log', () => checkReport(report, false));
      expect(r.labels).toContain('a--_b');
      expect(r.labels).toContain('linux/amd64/build');
      expect(r.svg).not.toMatch(/<script|onerror|%%\{/);
    });

    test('hostile stage keys planted in a report with a baseline: parses, one label and bar per stage', async () => {
      const [r] = await timed('mermaid: planted keys', () => checkReport(plantedStages(edit), true));
      expect(r.svg).not.toMatch(/<script|alert\(|%%\{/);
      expect(r.labels.join(' ')).not.toMatch(/["[\]\n<>%{}]/);
      expect(page.attempted).toEqual([]);
    });

    // Mermaid puts bars of one category in one slot: distinct stages must never share a label
    // (`a"b` and `a'b`; `frontend/linux/amd64/build` and `.../builder`; unicode names).
    test('distinct stages get distinct categories, each bar in its own slot', async () => {
      for (const report of [hostileStagesFromLog(), plantedStages(edit)]) {
        const [r] = await checkReport(report, report.comparison !== undefined);
        expect(new Set(r.labels).size).toBe(r.labels.length);
        expect(r.barSlots).toBe(r.bars);
      }
    });
  });
});
