// The build-level answers on real logs (issue 15): durations, image pulls, lower bounds of cut and failed
// steps, the critical path across stages, build contexts per target, and what the cache state allows to say.
import { readFileSync } from 'node:fs';
import { buildGraph } from '../../src/analysis/graph.js';
import { criticalPath } from '../../src/analysis/critical-path.js';
import { findRootCauses } from '../../src/analysis/root-causes.js';
import { NO_CHANGES } from '../../src/analysis/changes.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { seconds, stepSeconds } from '../../src/render/format.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { renderHtml } from '../../src/render/html.js';
import { fixture } from '../support/fixtures.js';

const NOW = new Date(0);
const corpus = (name: string) =>
  buildReport(parseText(readFileSync(fixture('corpus', `${name}.log`))), { now: NOW, file: name });

function causes(report: BuildReport) {
  const graph = buildGraph(report, null);
  return findRootCauses(report, { graph, dockerfile: null, changes: NO_CHANGES, baseline: null, copyMatcher: null });
}

describe('durations', () => {
  test.each([
    [0.04, '0.0s'],
    [12.34, '12.3s'],
    [59.96, '1m00s'],
    [61.2, '1m01s'],
    [1439.7, '24m00s'],
    [1439.4, '23m59s'],
    [3599.7, '1h00m'],
    [5399.9, '1h30m'],
    [7199.9, '2h00m'],
  ])('%d s prints as %s (never 23m60s or 1h60m)', (value, text) => {
    expect(seconds(value)).toBe(text);
  });

  test('a lower bound is shown as such and rounded down', () => {
    expect(seconds(40.15, true)).toBe('≥ 40.1s');
    expect(seconds(8527.6, true)).toBe('≥ 2h22m');
    expect(stepSeconds({ status: 'ran', seconds: 40.15, secondsAtLeast: true })).toBe('≥ 40.1s');
    expect(stepSeconds({ status: 'cached', seconds: null })).toBe('');
  });
});

describe('image pulls', () => {
  test('a FROM that printed DONE 6.8s shows its time and counts in its stage', () => {
    const r = corpus('plain-render-actions-timestamps-lockfile-error');
    const pull = r.steps.find((s) => s.instruction === 'FROM')!;
    expect(pull).toMatchObject({ status: 'source', seconds: 6.8 });
    expect(r.stages.find((s) => s.key === 'base')!.seconds).toBe(6.8);
    expect(stepSeconds(pull)).toBe('6.8s');
  });
});

describe('tails and failures', () => {
  test('a tail: the step named from the error box has at least its last elapsed time, never 0.0 s', () => {
    const r = corpus('plain-qemu-segfault-long-timestamps-tail');
    const step = r.steps[0];
    expect(step.status).toBe('error');
    expect(step.seconds).toBeGreaterThan(8000);
    expect(step.secondsAtLeast).toBe(true);
    expect(r.stages[0].secondsAtLeast).toBe(true);
    for (const out of [renderText(r), renderMarkdown(r), renderHtml(r, [])]) {
      expect(out).toContain('≥ 2h22m');
      expect(out).not.toMatch(/\b0\.0s/);
    }
  });

  test('a failed step costs the time it ran until it failed (timestamps)', () => {
    const r = corpus('plain-depot-fly-actions-download-bare-timestamps-build-error');
    const failed = r.steps.find((s) => s.status === 'error')!;
    expect(failed.secondsAtLeast).toBeUndefined();
    expect(failed.seconds).toBeCloseTo(35.87, 1);
    expect(r.slowestRan).toContain(failed.id);
  });

  test('a failed step without a clock: at least its last elapsed time', () => {
    const r = corpus('plain-multistage-npm-build-error');
    const failed = r.steps.find((s) => s.status === 'error')!;
    expect(failed.secondsAtLeast).toBe(true);
    expect(failed.seconds).toBeGreaterThan(0);
  });

  test('a step cut off by the end of the log: at least its last elapsed time', () => {
    const r = corpus('plain-compose-bake-four-targets-cut-in-cargo-build');
    const cut = r.steps.find((s) => s.status === 'unfinished')!;
    expect(cut).toMatchObject({ seconds: 3.03, secondsAtLeast: true });
  });

  test('a tail never says nothing was cached', () => {
    const r = corpus('plain-docker-driver-success-warnings-cr-tail');
    expect(r.source.tail).toBe(true);
    const details = causes(r).map((c) => c.detail);
    expect(details.length).toBeGreaterThan(0);
    for (const d of details) expect(d).not.toMatch(/Nothing in this build was cached/);
  });

  test('a failed step is never an evicted cache entry', () => {
    for (const name of ['plain-multistage-npm-build-error', 'plain-lint-warn-inline-error-6-warnings']) {
      const r = corpus(name);
      const failed = r.steps.find((s) => s.status === 'error')!;
      const c = causes(r).find((x) => x.stepId === failed.id || x.cascade.includes(failed.id));
      if (c?.stepId === failed.id) expect(c.detail).not.toMatch(/evicted/);
    }
    const r = corpus('plain-multistage-npm-build-error');
    for (const c of causes(r))
      if (r.steps.find((s) => s.id === c.stepId)!.status === 'error') expect(c.detail).not.toMatch(/evicted/);
  });
});

describe('critical path across stages', () => {
  test('without a Dockerfile it goes on through COPY --from=builder into the runner stage', () => {
    const r = corpus('plain-compose-bake-nextjs-deploy');
    const path = criticalPath(r, buildGraph(r, null)).steps.map((s) => r.steps.find((x) => x.id === s.id)!.name);
    expect(path).toEqual([
      '[builder 4/5] COPY . .',
      '[builder 5/5] RUN npm run build',
      '[runner 4/7] COPY --from=builder /app/.next/standalone ./',
      '[runner 5/7] COPY --from=builder /app/.next/static ./.next/static',
      '[runner 6/7] COPY --from=builder /app/public ./public',
      '[runner 7/7] COPY --from=builder /app/docs ./docs',
    ]);
  });
});

describe('targets and build contexts', () => {
  test('four compose services: each a target with its stages and its context; the total is the sum', () => {
    const r = corpus('plain-compose-bake-four-targets-cut-in-cargo-build');
    expect(r.targets!.map((t) => [t.name, t.stages.length, t.steps, t.contextBytes])).toEqual([
      ['backend', 2, 8, 366690],
      ['frontend', 2, 12, 5420],
      ['agent', 2, 18, 496],
      ['website', 4, 17, 7370],
    ]);
    expect(r.totals.contextBytes).toBe(496 + 366690 + 5420 + 7370);
    // Every stage belongs to exactly one target; no target is taken for a stage.
    expect(r.stages.every((s) => s.target !== null && r.targets!.some((t) => t.stages.includes(s.key)))).toBe(true);
  });
});

describe('BuildKit 0.8: only WORKDIR cached', () => {
  test('the cache state is said to be indistinguishable from a cold build', () => {
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#1 sha256:f598d2798816546a30f82ae679269d4f4bc8ec1f7aed565537e1e1b2b8834ea7',
      '#1 DONE 0.0s',
      '',
      '#4 [1/3] FROM docker.io/library/node:16',
      '#4 sha256:b1952a12e71952cc173801dd70923cd1c7dd6b3ddfe269f6e3774666b901f8ab',
      '#4 DONE 0.0s',
      '',
      '#5 [2/3] WORKDIR /app',
      '#5 sha256:849366b29d053b3e37cabc5d2eca81431c4be4b4b11b466c0704c12650cd0256',
      '#5 CACHED',
      '',
      '#6 [3/3] COPY . .',
      '#6 sha256:31ed7db2d585d1dca8382537e6a69999239ffa4ad7bec0d38631d28de79e670e',
      '#6 DONE 0.4s',
      '',
    ].join('\n');
    const r = buildReport(parseText(log), { now: NOW });
    const [c] = causes(r);
    expect(c.kind).toBe('no-visible-change');
    expect(c.detail).toMatch(/cannot be told apart from a cold one/);
    expect(c.detail).not.toMatch(/^Nothing in this build was cached/);
  });
});
