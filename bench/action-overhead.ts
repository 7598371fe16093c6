// The action's own cost on the repository's example build (the CI workflow's `example` job: run mode,
// fixtures/dockerfiles/node-app, charts on): what it adds beyond the build, median of N warm runs.
// Needs the Docker engine (.ci/docker-up.sh); the image is tagged bca-bench:example, nothing is pruned.
//   npx tsx bench/action-overhead.ts [runs]     (also a row of `npm run bench`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildReport } from '../src/model/report.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const DOCKER = '/usr/bin/docker';

export interface OverheadRun {
  /** The whole `node dist/action.js` process, start-up included. */
  wallSeconds: number;
  buildSeconds: number;
  /** The report's own figure: everything the action did beyond the build. */
  overheadSeconds: number;
  /**
   * CPU seconds (user + system) of the action's process, its threads included (GNU time): on 2 cores the overhead
   * is bound by CPU, and this moves far less from run to run than the wall time.
   */
  cpuSeconds: number;
}

export interface OverheadResult {
  runs: OverheadRun[];
  medianOverhead: number;
  /** Wall time minus build time: the overhead plus node's start-up. */
  medianBeyondBuild: number;
  medianCpu: number;
}

function once(charts: boolean): OverheadRun {
  const dir = mkdtempSync(join(tmpdir(), 'bca-bench-action-'));
  try {
    const files = { output: join(dir, 'output'), summary: join(dir, 'summary') };
    writeFileSync(files.output, '');
    writeFileSync(files.summary, '');
    const env = {
      PATH: process.env.PATH,
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      INPUT_MODE: 'run',
      INPUT_CONTEXT: join(ROOT, 'fixtures', 'dockerfiles', 'node-app'),
      INPUT_TAGS: 'bca-bench:example',
      INPUT_DOCKER: DOCKER,
      INPUT_CHARTS: String(charts),
      'INPUT_MEASURE-SIZES': 'true',
    };
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', 'bca-cpu %U %S', process.execPath, join(ROOT, 'dist', 'action.js')], {
      env,
      cwd: ROOT,
      encoding: 'utf8',
    });
    const wallSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = /bca-cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
    const path = /^report-path<<(.+)\n(.*)\n/m.exec(readFileSync(files.output, 'utf8'))?.[2];
    if (r.status !== 0 || !path) throw new Error(`the action failed: ${(r.stdout + r.stderr).slice(-1500)}`);
    const run = (JSON.parse(readFileSync(path, 'utf8')) as BuildReport).run!;
    return {
      wallSeconds,
      buildSeconds: run.buildSeconds,
      overheadSeconds: run.overheadSeconds ?? NaN,
      cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function engineAvailable(): boolean {
  return spawnSync(DOCKER, ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 }).status === 0;
}

/** One warm-up build (the cache may be cold), then `n` measured runs. */
export function measureOverhead(n = 5, charts = true): OverheadResult {
  once(charts);
  const runs = Array.from({ length: n }, () => once(charts));
  return {
    runs,
    medianOverhead: median(runs.map((r) => r.overheadSeconds)),
    medianBeyondBuild: median(runs.map((r) => r.wallSeconds - r.buildSeconds)),
    medianCpu: median(runs.map((r) => r.cpuSeconds)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!engineAvailable()) {
    console.error('action-overhead: no Docker engine (run .ci/docker-up.sh)');
    process.exit(1);
  }
  const n = Number(process.argv[2] ?? 5);
  const result = measureOverhead(n);
  console.table(result.runs);
  console.log(
    `median overhead ${result.medianOverhead.toFixed(3)} s (target ≤ 1.0 s); wall minus build ${result.medianBeyondBuild.toFixed(3)} s; CPU ${result.medianCpu.toFixed(2)} s`,
  );
}
