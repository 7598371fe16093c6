// `npm run bench`: parse throughput against the floor and peak memory against input size, measured
// side by side in one run on inputs generated from the real logs (bench/generate.ts). Prints a
// table and writes bench/results.json. Figures are reported, never asserted (DESIGN.md §7).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { closeSync, openSync, readSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, generate, rel, ROOT as ROOT_DIR } from './generate.js';
import { runScale } from './scale.js';
import { writeSteps } from './steps-gen.js';
import { engineAvailable, measureOverhead } from './action-overhead.js';
import { bundledWorker } from './worker-bundle.js';

const RUNS = 3;

/** Re-encodes a UTF-8 file as UTF-16LE with a BOM, in 1 MiB pieces (lines are ASCII-safe to cut at a newline). */
function toUtf16le(from: string, to: string): void {
  const inFd = openSync(from, 'r');
  const outFd = openSync(to, 'w');
  const buf = Buffer.alloc(1 << 20);
  let carry = Buffer.alloc(0);
  writeSync(outFd, Buffer.from([0xff, 0xfe]));
  for (let n = readSync(inFd, buf); n > 0; n = readSync(inFd, buf)) {
    const chunk = Buffer.concat([carry, buf.subarray(0, n)]);
    const cut = chunk.lastIndexOf(10) + 1;
    writeSync(outFd, Buffer.from(chunk.subarray(0, cut).toString('utf8'), 'utf16le'));
    carry = Buffer.from(chunk.subarray(cut));
  }
  if (carry.length) writeSync(outFd, Buffer.from(carry.toString('utf8'), 'utf16le'));
  closeSync(inFd);
  closeSync(outFd);
}
const TARGET_RATIO = 0.6;

interface Measure {
  seconds: number;
  bytes: number;
  lines: number;
  maxRssMB: number;
}

function measure(which: string, file: string, extra?: string): Measure {
  let best = null as Measure | null;
  for (let i = 0; i < RUNS; i++) {
    const args = [workerPath, which, file, ...(extra ? [extra] : [])];
    const out = execFileSync(process.execPath, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const m = JSON.parse(out.trim().split('\n').pop()!) as Measure;
    const peak = Math.max(m.maxRssMB, best?.maxRssMB ?? 0);
    if (!best || m.seconds < best.seconds) best = { ...m, maxRssMB: peak };
    else best.maxRssMB = peak;
  }
  return best!;
}

const workerPath = await bundledWorker();

// 1 GB by default (`--mb 210` for a quicker run): memory must stay flat up to there.
const mbArg = process.argv.indexOf('--mb');
const manifest = await generate({ targetMB: mbArg === -1 ? 1000 : Number(process.argv[mbArg + 1]) });
const rows: Record<string, unknown>[] = [];
const mbps = (m: Measure) => m.bytes / 1e6 / m.seconds;

for (const format of ['plain', 'rawjson'] as const) {
  const full = manifest.files.find((f) => f.format === format && f.scale === 'full')!;
  const floor = measure(`floor-${format}`, full.path);
  const parsed = measure(`parse-${format}`, full.path);
  const auto = measure('auto', full.path);
  for (const [name, m] of [
    [`floor (read + split${format === 'rawjson' ? ' + JSON.parse' : ''})`, floor],
    [`${format} parser + report`, parsed],
    [`auto-detected parseFile`, auto],
  ] as [string, Measure][]) {
    const ratio = mbps(m) / mbps(floor);
    rows.push({
      format,
      case: name,
      input: rel(full.path),
      inputMB: +(m.bytes / 1e6).toFixed(1),
      seconds: +m.seconds.toFixed(3),
      MBps: +mbps(m).toFixed(1),
      ratioToFloor: +ratio.toFixed(2),
      peakRssMB: +m.maxRssMB.toFixed(0),
      verdict: name.startsWith('floor') ? '' : ratio >= TARGET_RATIO ? 'PASS' : 'BELOW',
    });
  }
  // Memory against input size: the parser on growing prefixes of the same log.
  for (const f of manifest.files.filter((x) => x.format === format && x.scale !== 'full')) {
    const m = measure(`parse-${format}`, f.path);
    rows.push({
      format,
      case: `${format} parser, ${f.scale} prefix`,
      input: rel(f.path),
      inputMB: +(m.bytes / 1e6).toFixed(1),
      seconds: +m.seconds.toFixed(3),
      MBps: +mbps(m).toFixed(1),
      ratioToFloor: null,
      peakRssMB: +m.maxRssMB.toFixed(0),
      verdict: '',
    });
  }
}

// A log saved by Windows PowerShell 5.1 (`| tee`): the 100 MB plain prefix re-encoded as UTF-16LE with a BOM,
// read through format detection like the CLI; compared with the same prefix in UTF-8.
{
  const prefix = manifest.files.find((f) => f.format === 'plain' && f.scale === '100MB');
  if (prefix) {
    const utf16 = join(BENCH_DIR, 'out', 'plain-100MB.utf16le.log');
    toUtf16le(prefix.path, utf16);
    const utf8 = measure('auto', prefix.path);
    const m = measure('auto', utf16);
    rows.push({
      format: 'plain',
      case: 'auto-detected parseFile, UTF-16LE + BOM (PowerShell tee)',
      input: rel(utf16),
      inputMB: +(statSync(utf16).size / 1e6).toFixed(1),
      seconds: +m.seconds.toFixed(3),
      MBps: +(prefix.bytes / 1e6 / m.seconds).toFixed(1),
      ratioToFloor: null,
      peakRssMB: +m.maxRssMB.toFixed(0),
      verdict: `${(utf8.seconds / m.seconds).toFixed(2)} of the UTF-8 speed (MB/s of the UTF-8 text)`,
    });
  }
}

// The whole pipeline (parse + map + analyse + render) on builds of 500, 2,000 and 10,000 steps, and a
// bake build of 30 targets on two platforms.
const OUT = join(BENCH_DIR, 'out');
for (const input of [
  writeSteps(OUT, 500),
  writeSteps(OUT, 2000),
  writeSteps(OUT, 10000),
  writeSteps(OUT, 20, { targets: 30, platforms: ['linux/amd64', 'linux/arm64'] }),
]) {
  const m = measure('pipeline', input.log, input.dockerfile);
  rows.push({
    format: 'plain',
    case: `pipeline, ${input.steps} steps${input.name.includes('bake') ? ' (30 bake targets x 2 platforms)' : ''}`,
    input: rel(input.log),
    inputMB: +(m.bytes / 1e6).toFixed(1),
    seconds: +m.seconds.toFixed(3),
    MBps: null,
    ratioToFloor: null,
    peakRssMB: +m.maxRssMB.toFixed(0),
    verdict: input.steps === 2000 ? (m.seconds < 1 ? 'PASS' : 'BELOW') : '',
  });
}

// Issue 13's cases: the whole CLI on the full plain log (many builds) against its floor, scaling in
// steps, Dockerfile lines and baseline steps (with the fitted exponent), a 100,000-step rawjson
// chain and a million vertices as JSON.
const scale = await runScale(manifest.files.find((f) => f.format === 'plain' && f.scale === 'full')!.path);

// Start-up of the bundled entries, and the size of dist/.
const tiny = rel(join(ROOT_DIR, 'fixtures', 'recorded', 'node-app-edit.plain.log'));
const startup = [
  ['dist/cli.js --version', [join(ROOT_DIR, 'dist', 'cli.js'), '--version'], {}],
  [
    'dist/action.js (analyze a 2 kB log, charts off)',
    [join(ROOT_DIR, 'dist', 'action.js')],
    { 'INPUT_LOG-FILE': tiny, INPUT_CHARTS: 'false', RUNNER_TEMP: tmpdir() },
  ],
  [
    'dist/action.js (analyze a 2 kB log, with the 4 charts as SVG + PNG)',
    [join(ROOT_DIR, 'dist', 'action.js')],
    { 'INPUT_LOG-FILE': tiny, RUNNER_TEMP: tmpdir() },
  ],
] as [string, string[], Record<string, string>][];
for (const [name, args, env] of startup) {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, args, { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const median = times.sort((a, b) => a - b)[5];
  rows.push({
    format: '',
    case: `start-up: ${name} (median of 10)`,
    input: '',
    inputMB: null,
    seconds: +median.toFixed(3),
    MBps: null,
    ratioToFloor: null,
    peakRssMB: null,
    // Start-up has a target; drawing the charts (vega + wasm) is extra work and only measured.
    verdict: name.includes('with the 4 charts') ? '' : median < 0.3 ? 'PASS' : 'BELOW',
  });
}
// The action's overhead on the example build (run mode, charts on), when an engine is up.
if (engineAvailable()) {
  const o = measureOverhead(5);
  rows.push({
    format: '',
    case: `action overhead beyond the build: run mode, example build, charts on (median of 5; CPU ${o.medianCpu.toFixed(2)} s)`,
    input: '',
    inputMB: null,
    seconds: +o.medianOverhead.toFixed(3),
    MBps: null,
    ratioToFloor: null,
    peakRssMB: null,
    verdict: o.medianOverhead <= 1 ? 'PASS' : 'BELOW',
  });
}
const distBytes = readdirSync(join(ROOT_DIR, 'dist')).reduce((n, f) => n + statSync(join(ROOT_DIR, 'dist', f)).size, 0);
rows.push({
  format: '',
  case: 'dist/ size (MB)',
  input: '',
  inputMB: +(distBytes / 1e6).toFixed(2),
  seconds: null,
  MBps: null,
  ratioToFloor: null,
  peakRssMB: null,
  verdict: distBytes < 10e6 ? 'PASS' : 'BELOW',
});

console.table(rows);
const results = {
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
  runs: RUNS,
  targetRatio: TARGET_RATIO,
  rows,
  scale,
};
writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `bench/results.json written. Targets: parsers ≥ ${TARGET_RATIO} of the floor; memory flat (1 GB within 200 MB); 2,000-step pipeline < 1 s; start-up < 300 ms; dist/ < 10 MB.`,
);
