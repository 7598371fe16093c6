// The real-build scenarios (fixtures/dockerfiles/<name>/) and what each phase must show.
// Shared by the integration test and scripts/record-fixtures.ts, so both record the same builds.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DOCKERFILES_DIR = join(REPO_ROOT, 'fixtures/dockerfiles');

export interface Phase {
  name: 'cold' | 'warm' | 'edit' | 'manifest' | 'arg';
  /** A source file (relative to the context) changed before this build; the change stays for later phases. */
  edit?: string;
  /** Build args from this phase on. */
  buildArgs?: Record<string, string>;
  /**
   * Expected statuses of the Dockerfile steps (sources apart): `cold` = every step ran; otherwise,
   * per stage, the first step index that re-ran (the stage's earlier steps cached, its later ones ran),
   * and every stage not named is fully cached.
   */
  expect: 'cold' | Record<string, number>;
}

export interface Scenario {
  name: string;
  phases: Phase[];
  /**
   * Steps that are one vertex in BuildKit's graph (identical first steps of two stages): BuildKit
   * runs them once and labels that vertex with either stage, not always the same one from build to
   * build. Ids in a group are compared as the group's first id.
   */
  sharedSteps: string[][];
  /** The Dockerfile steps every build of it shows, FROMs apart (canonical ids, see sharedSteps). */
  steps: string[];
}

export const SCENARIOS: Scenario[] = [
  {
    // deps (manifest + slow install) → build (FROM deps, sources) → final stage (COPY --from=build).
    name: 'node-app',
    sharedSteps: [['deps#1', 'stage-2#1']],
    steps: ['deps#2', 'deps#3', 'deps#4', 'build#1', 'build#2', 'stage-2#2', 'stage-2#3'],
    phases: [
      { name: 'cold', expect: 'cold' },
      { name: 'warm', expect: {} },
      // src/ is copied by [build 1/2] (`FROM deps` is no step of its own); [stage-2 3/3] copies build's output.
      { name: 'edit', edit: 'src/util.js', expect: { build: 1, 'stage-2': 3 } },
    ],
  },
  {
    // assets and app both start FROM local/busybox:1 + WORKDIR /app; app's RUN uses ARG GREETING.
    name: 'arg-shared',
    sharedSteps: [
      ['assets#1', 'app#1'],
      ['assets#2', 'app#2'],
    ],
    steps: ['assets#2', 'assets#3', 'assets#4', 'app#3', 'app#4', 'app#5', 'app#6'],
    phases: [
      { name: 'cold', expect: 'cold' },
      { name: 'warm', expect: {} },
      // assets/ is copied by [assets 3/4]; [app 5/6] copies assets' output.
      { name: 'edit', edit: 'assets/b.txt', expect: { assets: 3, app: 5 } },
      // [app 4/6] is the RUN that uses $GREETING.
      { name: 'arg', buildArgs: { GREETING: 'bonjour' }, expect: { app: 4 } },
    ],
  },
];

/**
 * The app the golden files show (scripts/record-webapp.ts, fixtures/recorded/webapp/): the whole context
 * copied before a slow install, as in the first version of many Dockerfiles, so a source edit re-runs it.
 * Recorded on a private engine (an empty cache for `cold`), not built by the integration tests.
 */
export const WEBAPP: Scenario = {
  name: 'webapp',
  sharedSteps: [['deps#1', 'stage-2#1']],
  steps: ['deps#2', 'deps#3', 'deps#4', 'deps#5', 'build#1', 'stage-2#2', 'stage-2#3'],
  phases: [
    { name: 'cold', expect: 'cold' },
    { name: 'warm', expect: {} },
    // `COPY . .` is [deps 4/5]: every change to the context re-runs it, the install after it and all that follows.
    { name: 'edit', edit: 'src/util.js', expect: { deps: 4, build: 1, 'stage-2': 3 } },
    // The build's output does not read package.json, so the final stage's COPY --from stays cached.
    { name: 'manifest', edit: 'package.json', expect: { deps: 4, build: 1 } },
    // [build 1/1] is the RUN that reads $APP_VERSION.
    { name: 'arg', buildArgs: { APP_VERSION: '1.2.0' }, expect: { build: 1, 'stage-2': 3 } },
  ],
};

/**
 * The build that fails: its single stage's step 3 (`RUN ... exit 3`) prints `logLines`. The last
 * goes to stderr, and BuildKit reads stdout and stderr apart: their order in the log varies.
 */
export const FAILING = {
  name: 'failing-run',
  failingIndex: 3,
  logLines: ['checking input', 'line one', 'line two', 'giving up'],
};

/** Maps a step id to its group's first id (see Scenario.sharedSteps). */
export function canonicalId(s: Scenario, id: string): string {
  return s.sharedSteps.find((g) => g.includes(id))?.[0] ?? id;
}

/**
 * What a phase's report must show for the scenario's Dockerfile steps (canonical ids):
 * cold → all ran; otherwise a stage named in `expect` re-ran from that index on, the rest is cached.
 */
export function expectedStatuses(s: Scenario, phase: Phase): Record<string, 'cached' | 'ran'> {
  const out: Record<string, 'cached' | 'ran'> = {};
  for (const id of s.steps) {
    const [stage, index] = id.split('#') as [string, string];
    const from = phase.expect === 'cold' ? 0 : phase.expect[stage];
    out[id] = from !== undefined && Number(index) >= from ? 'ran' : 'cached';
  }
  return out;
}
