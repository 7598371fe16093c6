// Suggestions ranked by how often their steps re-ran over the branch's history (the baseline store's).
import { suggestWith } from '../../../src/analysis/suggest/index.js';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { buildReport } from '../../../src/pipeline/build-report.js';
import type { History } from '../../../src/model/history.js';
import { historyText } from '../../../src/render/answer.js';
import { toText } from '../../../src/render/inline.js';
import type { BuildReport, StepStatus } from '../../../src/model/report.js';
import { parseText } from '../../../src/progress/index.js';
import { shell } from '../../support/suggest-helpers.js';

const text = [
  'FROM node:20',
  'WORKDIR /app',
  'RUN apt-get update',
  'RUN apt-get install -y curl',
  'COPY . .',
  'RUN npm ci',
  '',
].join('\n');
const dockerfile = parseDockerfile(text);

/** A plain log of that Dockerfile's build with every step cached (the static rules still fire). */
const log = [
  '#1 [internal] load build definition from Dockerfile',
  '#1 DONE 0.0s',
  '',
  '#2 [1/6] FROM docker.io/library/node:20',
  '#2 DONE 0.1s',
  '',
  '#3 [2/6] WORKDIR /app',
  '#3 CACHED',
  '',
  '#4 [3/6] RUN apt-get update',
  '#4 CACHED',
  '',
  '#5 [4/6] RUN apt-get install -y curl',
  '#5 CACHED',
  '',
  '#6 [5/6] COPY . .',
  '#6 CACHED',
  '',
  '#7 [6/6] RUN npm ci',
  '#7 CACHED',
  '',
].join('\n');

function report(): BuildReport {
  const r = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed: dockerfile } });
  expect(r.dockerfile?.unmapped).toEqual([]);
  return r;
}

function idOf(r: BuildReport, fragment: string): string {
  const step = r.steps.find((s) => s.text.includes(fragment));
  if (!step) throw new Error(`no step with ${fragment}: ${r.steps.map((s) => s.text).join(' | ')}`);
  return step.id;
}

function history(r: BuildReport, ranIn: Record<string, number>, builds = 10): History {
  return {
    schemaVersion: 1,
    builds: Array.from({ length: builds }, (_, i) => ({
      commit: String(i).repeat(40),
      branch: 'main',
      createdAt: new Date(2026, 0, i + 1).toISOString(),
      seconds: 10,
      steps: Object.fromEntries(
        r.steps.map((s): [string, StepStatus] => [s.id, i < (ranIn[s.id] ?? 0) ? 'ran' : 'cached']),
      ),
    })),
  };
}

const opts = { file: 'Dockerfile', text, dockerfile, contextDir: null };

test('without history, static suggestions keep the rules order and say nothing of history', () => {
  const s = suggestWith(shell, report(), opts);
  expect(s.map((x) => x.rule).slice(0, 2)).toEqual(['manifest-order', 'apt-update-alone']);
  // The cache mount edits the install's line that manifest-order moves: one suggestion, both reasons.
  expect(s[0].also?.map((x) => x.rule)).toEqual(['cache-mount']);
  expect(s.every((x) => x.history === undefined)).toBe(true);
});

test('the suggestion whose step re-ran most often over the history comes first, and says how often', () => {
  const r = report();
  const h = history(r, { [idOf(r, 'apt-get install')]: 8, [idOf(r, 'npm ci')]: 1 });
  const s = suggestWith(shell, r, { ...opts, history: h });
  expect(s[0].rule).toBe('apt-update-alone');
  expect(s[0].history).toEqual({ builds: 10, reran: 8, branch: 'main' });
  expect(toText(historyText(s[0]))).toBe('re-ran in 8 of the last 10 builds of `main`');
  const manifest = s.find((x) => x.rule === 'manifest-order')!;
  expect(manifest.history).toEqual({ builds: 10, reran: 1, branch: 'main' });
});

test('builds with nothing cached are left out of the history that ranks', () => {
  const r = report();
  const h = history(r, { [idOf(r, 'apt-get install')]: 8, [idOf(r, 'npm ci')]: 1 });
  // Two cold builds (every step ran) say nothing about which step re-runs often.
  const cold = (i: number) => ({
    ...h.builds[0],
    commit: String(i).repeat(40),
    steps: Object.fromEntries(r.steps.map((st): [string, StepStatus] => [st.id, 'ran'])),
  });
  const s = suggestWith(shell, r, { ...opts, history: { ...h, builds: [cold(7), ...h.builds, cold(8)] } });
  expect(s[0].history).toEqual({ builds: 10, reran: 8, branch: 'main' });
});

test('a history where nothing re-ran changes no order and adds no claim', () => {
  const r = report();
  const s = suggestWith(shell, r, { ...opts, history: history(r, {}) });
  expect(s.map((x) => x.rule)).toEqual(suggestWith(shell, report(), opts).map((x) => x.rule));
  expect(s.every((x) => x.history?.reran === 0)).toBe(true);
});
