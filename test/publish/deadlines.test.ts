// 9. Every network call has a deadline: GitHub's API, the cache and the artifact service hung (a local server
// that accepts connections and never answers). The summary is written before any upload, each service costs
// at most its budget (scaled down here by BCA_DEADLINE_SCALE), then is a warning, and the step ends.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { BUDGETS } from '../../src/action/action.js';
import { errorLines, runAction } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
import { startResultsServer } from '../support/results-server.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';

jest.setTimeout(120_000);

const SCALE = 0.1;
let silent: SilentServer;
let token: string;
beforeAll(async () => {
  const results = await startResultsServer(); // only for a runtime token of the right shape
  token = results.token;
  await results.close();
});
beforeEach(async () => {
  silent = await startSilentServer();
});
afterEach(async () => {
  await silent.close();
});

function env(event: 'push' | 'pull_request'): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bca-hung-'));
  const workspace = join(dir, 'ws');
  mkdirSync(workspace);
  const repository = { name: 'app', owner: { login: 'acme' }, default_branch: 'main' };
  const payload =
    event === 'push'
      ? { ref: 'refs/heads/main', repository }
      : { number: 7, pull_request: { number: 7, base: { ref: 'main' } }, repository };
  writeFileSync(join(dir, 'event.json'), JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REF: event === 'push' ? 'refs/heads/main' : 'refs/pull/7/merge',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: workspace,
    GITHUB_API_URL: silent.url,
    ACTIONS_RESULTS_URL: `${silent.url}/`,
    ACTIONS_RUNTIME_TOKEN: token,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    BCA_DEADLINE_SCALE: String(SCALE),
    BCA_RETRY_DELAY_MS: '10',
  };
}

const inputs = {
  'log-file': fixture('recorded', 'node-app-edit.plain.log'),
  dockerfile: fixture('dockerfiles', 'node-app', 'Dockerfile'),
  'github-token': 'ghs_hung',
  charts: 'false',
};

/** Start-up, analysis and files on a busy machine: what a run takes besides waiting for services. */
const SLACK_MS = 20_000;

test.each([
  ['pull request: baseline restore, artifact and comment', 'pull_request', ['restore', 'artifact', 'comment']],
  ['push: baseline restore and save, artifact', 'push', ['restore', 'save', 'artifact']],
] as const)('%s hung: each a warning within its budget; summary and report written', async (_, event, calls) => {
  const started = Date.now();
  const run = await runAction(inputs, env(event));
  const elapsed = Date.now() - started;
  expect(run.status).toBe(0);
  expect(errorLines(run)).toEqual([]);
  expect(run.summary).toMatch(/^## BuildKit cache analysis/);
  expect(run.outputs['report-path']).toBeDefined();
  expect(silent.connections).toBeGreaterThan(0);
  const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
  expect(warnings).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/restoring the baseline did not finish within 3 s/),
      expect.stringMatching(/Could not upload the artifact .*the upload did not finish within 12 s/),
      ...(event === 'push'
        ? [expect.stringMatching(/saving the baseline did not finish within 6 s/)]
        : [expect.stringMatching(/Could not comment on the pull request/)]),
    ]),
  );
  const budget = calls.reduce((ms, c) => ms + BUDGETS[c] * SCALE, 0);
  expect(elapsed).toBeLessThan(budget + SLACK_MS);
});
