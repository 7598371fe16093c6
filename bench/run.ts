// `npm run bench`: parse throughput against the floor and peak memory against input size, measured
// side by side in one run on inputs generated from the real logs (bench/generate.ts). Prints a
// table and writes bench/results.json. Figures are reported, never asserted (DESIGN.md §7).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, generate, rel } from './generate.js';

const RUNS = 3;
const TARGET_RATIO = 0.6;

interface Measure {
  seconds: number;
  bytes: number;
  lines: number;
  maxRssMB: number;
}

function measure(which: string, file: string): Measure {
  let best = null as Measure | null;
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'worker.ts'), which, file], {
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

const manifest = await generate();
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

console.table(rows);
const results = {
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
  runs: RUNS,
  targetRatio: TARGET_RATIO,
  rows,
};
writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `bench/results.json written; target: parsers at ≥ ${TARGET_RATIO} of the floor, memory flat in input size.`,
);
