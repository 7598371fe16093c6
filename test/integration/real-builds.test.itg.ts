// Real BuildKit builds, recorded by the test itself in plain (docker CLI) and rawjson (Engine API),
// parsed by the product's parsers. The cache verdicts are facts of the engine, so a wrong status
// here is a parser or report bug, not a fixture problem. Needs the engine of .ci/docker-up.sh.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { baseImagePresent, describeWithDocker, dockerAvailable, dockerServerVersion } from '../support/docker.js';
import {
  copyContext,
  record,
  recordScenario,
  removeImages,
  type Format,
  type Recorded,
} from '../support/run-phases.js';
import {
  canonicalId,
  DOCKERFILES_DIR,
  expectedStatuses,
  FAILING,
  SCENARIOS,
  type Scenario,
} from '../support/scenarios.js';
import { jest } from '@jest/globals';

// Starts processes (the bundled action or CLI, docker, git, a browser) or servers: a budget for a busy machine.
jest.setTimeout(300_000);

const FORMATS: Format[] = ['plain', 'rawjson'];
const available = dockerAvailable();
if (!available) {
  console.warn(
    'real-builds: SKIPPED: no Docker engine at /var/run/docker.sock (start one with: sudo .ci/docker-up.sh)',
  );
}
// In CI the engine is always started (.ci/run): there a missing engine fails the run instead of skipping.
const describeDocker = describeWithDocker(available);

/** Parses with format detection, so a misdetected log fails the format check below. */
function report(r: Recorded): BuildReport {
  const rep = buildReport(parseText(r.text), { file: r.file });
  expect(rep.source.format).toBe(r.format);
  return rep;
}

/** Step id → status for every step (sources too), shared steps under one id. */
function statusMap(s: Scenario, rep: BuildReport): Record<string, string> {
  const out: Record<string, string> = {};
  for (const step of rep.steps) {
    const id = canonicalId(s, step.id);
    expect(out).not.toHaveProperty([id]); // one vertex per canonical step
    out[id] = step.status;
  }
  return out;
}

/** The statuses of the scenario's Dockerfile steps (FROMs apart). */
function dockerfileSteps(s: Scenario, rep: BuildReport): Record<string, string> {
  const all = statusMap(s, rep);
  return Object.fromEntries(s.steps.map((id) => [id, all[id] ?? 'missing']));
}

describeDocker('real BuildKit builds', () => {
  let logDir = '';

  beforeAll(() => {
    if (!available) throw new Error('no Docker engine at /var/run/docker.sock: .ci/docker-up.sh must run first');
    if (!baseImagePresent()) throw new Error('no local/busybox:1 image: run .ci/docker-up.sh first');
    logDir = process.env.BCA_ITG_LOG_DIR ?? mkdtempSync(join(tmpdir(), 'bca-itg-logs-'));
    mkdirSync(logDir, { recursive: true });
  });

  afterAll(() => {
    // Kept on purpose: the logs are what to look at when a verdict is wrong.
    console.log(`real-builds: Docker ${dockerServerVersion()}; recorded logs in ${logDir}`);
  });

  describe.each(SCENARIOS)('$name', (s) => {
    const runs: Partial<Record<Format, Recorded[]>> = {};
    const find = (format: Format, phase: string): Recorded => {
      const r = runs[format]?.find((x) => x.phase === phase);
      if (!r) throw new Error(`no ${format} build for ${s.name} ${phase} (did the recording fail?)`);
      return r;
    };

    // Each format gets its own sequence from an empty cache; a phase means "after the one before".
    beforeAll(async () => {
      for (const format of FORMATS) runs[format] = await recordScenario(s, format, logDir);
    }, 300_000);

    describe.each(s.phases)('$name', (phase) => {
      test.each(FORMATS)('%s: step statuses match the cache behaviour', (format) => {
        const rep = report(find(format, phase.name));
        expect(rep.complete).toBe(true);
        expect(rep.failed).toBe(false);
        expect(dockerfileSteps(s, rep)).toEqual(expectedStatuses(s, phase));
        // The base image is a source step, never a cache hit or miss.
        expect(rep.steps.filter((st) => st.instruction === 'FROM').map((st) => st.status)).toEqual(['source']);
      });

      test.each(FORMATS)(
        "%s: with the Dockerfile, shared steps get the first stage's id, every step its line",
        (format) => {
          const path = join(DOCKERFILES_DIR, s.name, 'Dockerfile');
          const r = find(format, phase.name);
          const rep = buildReport(parseText(r.text), {
            file: r.file,
            dockerfile: { path, parsed: parseDockerfile(readFileSync(path, 'utf8')) },
          });
          expect(rep.dockerfile?.unmapped).toEqual([]);
          expect(rep.steps.every((st) => st.lines !== null)).toBe(true);
          // No grouping of ids needed: whichever label BuildKit printed, the id is the canonical one.
          const ids = Object.fromEntries(rep.steps.map((st) => [st.id, st.status]));
          expect(ids).toEqual(statusMap(s, rep));
        },
      );

      test('plain and rawjson give the same step statuses', () => {
        const plain = statusMap(s, report(find('plain', phase.name)));
        const rawjson = statusMap(s, report(find('rawjson', phase.name)));
        expect(rawjson).toEqual(plain);
      });
    });
  });

  describe('a failing RUN', () => {
    test.each(FORMATS)(
      '%s: the report is failed and incomplete, the step is error with its log',
      async (format) => {
        const context = copyContext(FAILING.name);
        const tag = `bca-itg/${FAILING.name}:${format}`;
        try {
          const r = await record(FAILING.name, 'fail', format, { context, tag }, logDir);
          expect(r.ok).toBe(false);
          const rep = report(r);
          expect(rep.failed).toBe(true);
          expect(rep.complete).toBe(false);
          const failing = rep.steps.find((st) => st.index === FAILING.failingIndex);
          expect(failing).toMatchObject({ instruction: 'RUN', status: 'error' });
          expect(failing?.error).toMatch(/exit code: 3/);
          expect([...(failing?.logTail ?? [])].sort()).toEqual([...FAILING.logLines].sort());
          expect(rep.steps.filter((st) => st.status === 'error')).toHaveLength(1);
        } finally {
          removeImages([tag]);
          rmSync(context, { recursive: true, force: true });
        }
      },
      60_000,
    );
  });
});
