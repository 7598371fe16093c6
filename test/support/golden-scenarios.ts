// The scenarios the golden files show (test/golden/): reports of real recorded builds, made the way the
// CLI makes them (src/analyze.ts), with what the action adds (the baseline's branch and commit, sizes).
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { analyzeLog } from '../../src/analyze-command.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { parseHistory, parseInspect } from '../../src/image/docker-image.js';
import { measureImage } from '../../src/image/measure.js';
import type { BuildStage, ImageReader } from '../../src/image/types.js';
import type { BuildReport } from '../../src/model/report.js';
import { fixture, rootDir } from './fixtures.js';

/** Paths as a reader of the repository sees them (the report shows the Dockerfile path as given). */
const rel = (...parts: string[]): string => relative(process.cwd(), fixture(...parts)) || '.';

const WEBAPP = (): string => rel('dockerfiles', 'webapp', 'Dockerfile');
const webappLog = (phase: string): string => fixture('recorded', 'webapp', `webapp-${phase}.plain.log`);

async function analyze(
  log: string,
  dockerfile: string,
  opts: { changed?: string[]; baseline?: BuildReport; timeThreshold?: string; text?: string } = {},
): Promise<BuildReport> {
  let baseline: string | null = null;
  if (opts.baseline) {
    baseline = join(mkdtempSync(join(tmpdir(), 'bca-golden-')), 'baseline.json');
    writeFileSync(baseline, JSON.stringify(opts.baseline));
  }
  const input = opts.text !== undefined ? Readable.from([opts.text]) : createReadStream(log);
  const { report } = await analyzeLog(input, {
    file: relative(rootDir, log),
    dockerfile,
    format: 'json',
    baseline,
    changedFiles: opts.changed ? opts.changed.join(',') : null,
    timeThreshold: opts.timeThreshold ?? null,
  });
  return report;
}

/** What the action's baseline store adds to a comparison: the branch it came from and its commit. */
function fromStore(report: BuildReport): BuildReport {
  if (report.comparison) {
    report.comparison.baseline.branch = 'main';
    report.comparison.baseline.commit = '4f2a9c1e0b7d3a5f6e8c9d0a1b2c3d4e5f607182';
  }
  return report;
}

/** The recorded images of sizes-chain (fixtures/image/): `docker image inspect` / `docker history` replayed. */
async function withSizes(report: BuildReport, scenario: string): Promise<BuildReport> {
  const FINAL = 'registry.example/app:final';
  const TEMP = /^buildkit-cache-analytics-stage:([\w.-]+)-[0-9a-f]{8}$/;
  const read = (ref: string, ext: string): string | null => {
    const name = ref === FINAL ? 'final' : TEMP.exec(ref)?.[1];
    try {
      return name ? readFileSync(fixture('image', scenario, `${name}.${ext}`), 'utf8') : null;
    } catch {
      return null;
    }
  };
  const missing = (ref: string) => ({ available: false as const, reason: `image ${ref} is not available locally` });
  const images: ImageReader = {
    inspect: async (ref) => {
      const text = read(ref, 'inspect.json');
      return text === null ? missing(ref) : parseInspect(ref, text);
    },
    history: async (ref) => {
      const text = read(ref, 'history.jsonl');
      const entries = text === null ? null : parseHistory(text);
      if (typeof entries === 'string') throw new Error(entries);
      return entries ? { available: true, entries } : missing(ref);
    },
    remove: async () => null,
  };
  const buildStage: BuildStage = async (stage) => ({
    ok: true,
    text: readFileSync(fixture('image', scenario, `${stage}.stage.plain.log`), 'utf8'),
  });
  report.sizes = await measureImage(report, {
    docker: 'docker',
    image: FINAL,
    dockerfile: parseDockerfile(readFileSync(fixture('dockerfiles', scenario, 'Dockerfile'), 'utf8')),
    images,
    buildStage,
  });
  return report;
}

export interface GoldenScenario {
  name: string;
  /** What the build was, for the test titles. */
  about: string;
  report: () => Promise<BuildReport>;
  /** What the first three lines after the title must hold (the costliest root cause and the top fix). */
  expect: { instruction: string; line: string; file?: string; cost: string; fix?: string };
}

const MANIFEST_FIX = 'Copy the npm manifests and install before copying the sources';

export const GOLDEN_SCENARIOS: GoldenScenario[] = [
  {
    name: 'source-edit',
    about: 'webapp: a source file edited, `COPY . .` above the install',
    report: () => analyze(webappLog('edit'), WEBAPP(), { changed: [fixture('dockerfiles/webapp/src/util.js')] }),
    expect: { instruction: 'COPY . .', line: 'line 6', file: 'src/util.js', cost: '5.3s', fix: MANIFEST_FIX },
  },
  {
    name: 'manifest-edit',
    about: 'webapp: package.json edited',
    report: () => analyze(webappLog('manifest'), WEBAPP(), { changed: [fixture('dockerfiles/webapp/package.json')] }),
    expect: { instruction: 'COPY . .', line: 'line 6', file: 'package.json', cost: '5.2s', fix: MANIFEST_FIX },
  },
  {
    name: 'build-arg',
    about: 'webapp: --build-arg APP_VERSION changed',
    report: () => analyze(webappLog('arg'), WEBAPP()),
    expect: { instruction: 'RUN npm run build', line: 'line 11', file: 'APP_VERSION', cost: '1.7s', fix: MANIFEST_FIX },
  },
  {
    name: 'cold',
    about: 'webapp: an empty build cache',
    report: () => analyze(webappLog('cold'), WEBAPP()),
    expect: { instruction: 'RUN npm ci', line: 'line 7', cost: '3.5s', fix: MANIFEST_FIX },
  },
  {
    name: 'all-cached',
    about: 'webapp: the same build again',
    report: () => analyze(webappLog('warm'), WEBAPP()),
    expect: { instruction: '', line: '', cost: '', fix: MANIFEST_FIX },
  },
  {
    name: 'failed-run',
    about: 'failing-run: a RUN exits 3',
    report: () =>
      analyze(fixture('recorded', 'failing-run-fail.plain.log'), rel('dockerfiles', 'failing-run', 'Dockerfile')),
    expect: { instruction: 'RUN echo "checking input"', line: 'line 4', file: 'giving up', cost: 'exit code 3' },
  },
  {
    name: 'regression',
    about: 'webapp: a source edit against the warm build of main',
    report: async () =>
      fromStore(
        await analyze(webappLog('edit'), WEBAPP(), {
          changed: [fixture('dockerfiles/webapp/src/util.js')],
          baseline: await analyze(webappLog('warm'), WEBAPP()),
        }),
      ),
    expect: { instruction: 'COPY . .', line: 'line 6', file: 'src/util.js', cost: '5.3s', fix: MANIFEST_FIX },
  },
  {
    name: 'cold-baseline',
    about: 'webapp: a source edit against a baseline that was itself a cold build',
    report: async () =>
      fromStore(
        await analyze(webappLog('edit'), WEBAPP(), {
          changed: [fixture('dockerfiles/webapp/src/util.js')],
          baseline: await analyze(webappLog('cold'), WEBAPP()),
        }),
      ),
    expect: { instruction: 'COPY . .', line: 'line 6', file: 'src/util.js', cost: '5.3s', fix: MANIFEST_FIX },
  },
  {
    name: 'cut-log',
    about: 'webapp: a source edit whose log was cut during the install',
    report: () => {
      const text = readFileSync(webappLog('edit'), 'utf8');
      const cut = text.slice(0, text.indexOf('#10 3.'));
      return analyze(webappLog('edit'), WEBAPP(), { changed: [fixture('dockerfiles/webapp/src/util.js')], text: cut });
    },
    expect: { instruction: 'COPY . .', line: 'line 6', file: 'src/util.js', cost: '0.1s', fix: MANIFEST_FIX },
  },
  {
    name: 'multi-stage-sizes',
    about: 'sizes-chain: four stages, sizes measured per stage and layer',
    report: async () =>
      withSizes(
        await analyze(
          fixture('image', 'sizes-chain', 'build.plain.log'),
          rel('dockerfiles', 'sizes-chain', 'Dockerfile'),
        ),
        'sizes-chain',
      ),
    expect: { instruction: 'RUN echo "1" > version.txt', line: 'line 23', cost: '0.3s', fix: undefined },
  },
];
