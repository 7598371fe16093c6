// Every real log of the corpus against its hand-checked expectation (fixtures/corpus/README.md).
import { readFileSync } from 'node:fs';
import { parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { fixture, listFixtures } from '../support/fixtures.js';

interface Expected {
  format: 'plain' | 'rawjson';
  failed: boolean;
  complete: boolean;
  tail: boolean;
  builder: { name: string; driver: string } | null;
  /** The listed steps and stages (the first ten logs; the later ones check the build-level fields). */
  steps?: {
    name: string;
    target: string | null;
    platform: string | null;
    stage: string | null;
    index: number | null;
    count: number | null;
    instruction: string | null;
    status: string;
    seconds: number | null;
  }[];
  stages?: Record<string, Record<string, number>>;
  errors: string[];
  warningCount: number;
  /** Build-level fields, hand-checked against the log (issue 15). */
  build: {
    failed: boolean;
    complete: boolean;
    tail: boolean;
    /** A part of the build's first error, or null when it did not fail. */
    error: string | null;
    steps: number;
    counts: Record<string, number>;
    cachedRatio: number | null;
    targets: string[];
    contextBytes: number | null;
    /** Bytes of build context per target, when the build sent several. */
    targetContexts?: Record<string, number | null>;
    /**
     * Steps per target, counted by reading the log: a vertex BuildKit ran once for several targets (printed under
     * one label) counts in each, and `sharedSteps` names those `[label] text → targets` it served.
     */
    targetSteps?: Record<string, number>;
    sharedSteps?: Record<string, string[]>;
  };
}

const cases = listFixtures('corpus', '.expected.json').map((f) => f.replace(/\.expected\.json$/, ''));

describe('corpus logs', () => {
  test.each(cases)('%s', (name) => {
    const expected = JSON.parse(readFileSync(fixture('corpus', `${name}.expected.json`), 'utf8')) as Expected;
    const parsed = parseText(readFileSync(fixture('corpus', `${name}.log`)));
    const report = buildReport(parsed, { file: `${name}.log` });

    expect(parsed.format).toBe(expected.format);
    expect(parsed.truncated).toBe(expected.tail);
    expect(report.builder).toEqual(expected.builder);
    if (expected.steps) {
      expect(
        report.steps.map((s) => ({
          name: s.name,
          target: s.target,
          platform: s.platform,
          stage: s.stage,
          index: s.index,
          count: s.count,
          instruction: s.instruction,
          status: s.status,
          seconds: s.status === 'ran' ? s.seconds : null,
        })),
      ).toEqual(expected.steps);
    }
    if (expected.stages) {
      const stages = Object.fromEntries(report.stages.map((st) => [st.key, { steps: st.steps, ...st.counts }]));
      expect(stages).toEqual(expected.stages);
    }
    expect(report.failed).toBe(expected.failed);
    expect(report.complete).toBe(expected.complete);
    for (const e of expected.errors) expect(report.errors.join('\n')).toContain(e);
    if (!expected.failed) expect(report.errors).toEqual([]);
    expect(report.warnings).toHaveLength(expected.warningCount);
    expect(report.problems).toEqual([]);
  });

  test.each(cases)('%s: the build-level verdict and totals', (name) => {
    const { build } = JSON.parse(readFileSync(fixture('corpus', `${name}.expected.json`), 'utf8')) as Expected;
    const report = buildReport(parseText(readFileSync(fixture('corpus', `${name}.log`))), { file: `${name}.log` });
    expect({
      failed: report.failed,
      complete: report.complete,
      tail: report.source.tail,
      steps: report.totals.steps,
      counts: report.totals.counts,
      cachedRatio: report.totals.cachedRatio === null ? null : Math.round(report.totals.cachedRatio * 1000) / 1000,
      targets: (report.targets ?? []).map((t) => t.name),
      contextBytes: report.totals.contextBytes,
    }).toEqual({
      failed: build.failed,
      complete: build.complete,
      tail: build.tail,
      steps: build.steps,
      counts: build.counts,
      cachedRatio: build.cachedRatio,
      targets: build.targets,
      contextBytes: build.contextBytes,
    });
    if (build.error === null) expect(report.errors).toEqual([]);
    else expect(report.errors[0]).toContain(build.error);
    if (build.targetContexts) {
      expect(Object.fromEntries((report.targets ?? []).map((t) => [t.name, t.contextBytes]))).toEqual(
        build.targetContexts,
      );
    }
    if (build.targetSteps) {
      expect(Object.fromEntries((report.targets ?? []).map((t) => [t.name, t.steps]))).toEqual(build.targetSteps);
    }
    if (build.sharedSteps) {
      expect(Object.fromEntries(report.steps.filter((s) => s.targets).map((s) => [s.name, s.targets]))).toEqual(
        build.sharedSteps,
      );
    }
    // Complete means: it did not fail, it is no tail, and no step was left unfinished.
    expect(report.complete).toBe(!build.failed && !build.tail && build.counts.unfinished === 0);
  });
});
