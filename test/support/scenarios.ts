// The real-build scenarios (fixtures/dockerfiles/<name>/) and what each phase must show.
// Shared by the integration test and scripts/record-fixtures.ts, so both record the same builds.
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DOCKERFILES_DIR = join(REPO_ROOT, 'fixtures/dockerfiles');

export interface Phase {
  name: 'cold' | 'warm' | 'edit' | 'arg';
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
}

export const SCENARIOS: Scenario[] = [
  {
    // deps (manifest + slow install) → build (FROM deps, sources) → final stage (COPY --from=build).
    name: 'node-app',
    sharedSteps: [['deps#1', 'stage-2#1']],
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

/** The build that fails: its single stage's step 3 (`RUN ... exit 3`) prints `logLine` last. */
export const FAILING = { name: 'failing-run', failingIndex: 3, logLine: 'giving up' };

/** A private copy of a scenario's context, so edits never touch the fixtures. */
export function copyContext(name: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, `bca-${name}-`));
  cpSync(join(DOCKERFILES_DIR, name), dir, { recursive: true });
  return dir;
}

/** The edit a phase makes: a line appended to one copied file, which changes its content checksum. */
export function applyEdit(context: string, file: string): void {
  appendFileSync(join(context, file), `// edited ${new Date().toISOString()}\n`);
}
