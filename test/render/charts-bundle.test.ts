// The charts from the bundle, on a machine with nothing but node: a throwaway entry that loads the
// chart modules the way the action does (`await import(...)`) is bundled with the action and the CLI
// by scripts/bundle.mjs, the output alone is copied to an empty folder (no node_modules above it), and
// run there in a child process. Its SVG and PNG must be the bytes the sources give here.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeLog } from '../../src/analyze-command.js';
import { renderCharts } from '../../src/render/charts/index.js';
import { svgToPng } from '../../src/render/charts/png.js';
import { fixture, rootDir } from '../support/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'bca-charts-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const probe = (src: string) => `
import { readFileSync, writeFileSync } from 'node:fs';
const [reportFile, outDir] = process.argv.slice(2);
const started = performance.now();
const { chartSpecs } = await import(${JSON.stringify(join(src, 'render/charts/specs.js'))});
const { startChartThreads } = await import(${JSON.stringify(join(src, 'render/charts/chart-threads.js'))});
const threads = startChartThreads();
// A chart that cannot be drawn fails alone: the thread answers with the error and draws the next ones.
let failed = false;
try {
  await threads.svg({ mark: 'nonsense' });
} catch {
  failed = true;
}
const specs = chartSpecs(JSON.parse(readFileSync(reportFile, 'utf8')));
for (const c of specs) {
  const svg = await threads.svg(c.spec);
  writeFileSync(outDir + '/' + c.id + '.svg', svg);
  writeFileSync(outDir + '/' + c.id + '.png', await threads.png(svg));
}
await threads.close();
console.log(JSON.stringify({ ids: specs.map((c) => c.id), threaded: threads.threaded, failed, ms: Math.round(performance.now() - started) }));
`;

/** The JS files a file imports statically (`import ... from "./x.js"` or `import "./x.js"`), transitively. */
function staticImports(dir: string, file: string, seen = new Set<string>()): Set<string> {
  const code = readFileSync(join(dir, file), 'utf8');
  for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) {
    if (!seen.has(m[1])) {
      seen.add(m[1]);
      staticImports(dir, m[1], seen);
    }
  }
  return seen;
}

test('the bundled charts run from dist/ alone, lazily loaded, and draw the same bytes as the sources', async () => {
  const { report } = await analyzeLog(createReadStream(fixture('recorded', 'node-app-edit.rawjson')), {
    file: 'node-app-edit.rawjson',
    dockerfile: fixture('dockerfiles', 'node-app', 'Dockerfile'),
    format: 'json',
  });
  const reportFile = join(tmp, 'report.json');
  writeFileSync(reportFile, JSON.stringify(report));
  const entry = join(tmp, 'probe.ts');
  writeFileSync(entry, probe(join(rootDir, 'src')));

  const built = join(tmp, 'built');
  const script = `const { bundle, ENTRY_POINTS } = await import(${JSON.stringify(pathToFileURL(join(rootDir, 'scripts', 'bundle.mjs')).href)});
await bundle(process.argv[1], { ...ENTRY_POINTS, probe: process.argv[2] });`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script, built, entry], { cwd: rootDir });

  // Only the output, in a folder with no node_modules anywhere above it.
  const clean = join(tmp, 'clean');
  cpSync(built, join(clean, 'dist'), { recursive: true });
  rmSync(built, { recursive: true });
  for (let d = clean; d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules'))).toBe(false);
  const files = readdirSync(join(clean, 'dist')).sort();
  expect(files).toEqual(
    expect.arrayContaining(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf', 'resvg.wasm', 'probe.js', 'chart-worker.js']),
  );
  const charts = files.find((f) => /^charts-[A-Z0-9]{8}\.js$/.test(f))!;
  const png = files.find((f) => /^png-[A-Z0-9]{8}\.js$/.test(f))!;
  expect([charts, png]).toEqual([expect.any(String), expect.any(String)]);
  // Starting the action or the CLI loads neither vega nor resvg.
  for (const main of ['action.js', 'cli.js', 'probe.js']) {
    const loaded = staticImports(join(clean, 'dist'), main);
    expect(loaded.has(charts) || loaded.has(png)).toBe(false);
  }

  const out = join(clean, 'out');
  mkdirSync(out);
  const stdout = execFileSync(process.execPath, [join('dist', 'probe.js'), reportFile, out], {
    cwd: clean,
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  const result = JSON.parse(stdout) as { ids: string[]; threaded: boolean; failed: boolean; ms: number };
  expect(result.ids).toEqual(['stage-time', 'cache', 'waterfall']);
  // The bundle rasterises on its worker thread (dist/chart-worker.js), with the same bytes as here.
  expect(result.threaded).toBe(true);
  expect(result.failed).toBe(true);

  for (const c of await renderCharts(report)) {
    expect(readFileSync(join(out, `${c.id}.svg`), 'utf8')).toBe(c.svg);
    const bytes = readFileSync(join(out, `${c.id}.png`));
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(new Uint8Array(bytes)).toEqual(await svgToPng(c.svg));
  }
}, 120_000);
