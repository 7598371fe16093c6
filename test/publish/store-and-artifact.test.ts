// The bundled action's artifact and baseline store against a local results service that speaks the
// twirp protocols of @actions/artifact and @actions/cache (test/support/results-server.ts), with the
// event payloads of a push and a pull request.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { unzipSync, strFromU8 } from 'fflate';
import type { BuildReport } from '../../src/model/report.js';
import { runAction, errorLines, type ActionRun } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { startResultsServer, type ResultsServer } from '../support/results-server.js';

// Up to four runs of the bundled action a test, charts drawn: minutes on a loaded machine.
jest.setTimeout(240_000);

let results: ResultsServer;
beforeEach(async () => {
  results = await startResultsServer();
});
afterEach(async () => {
  expect(results.violations).toEqual([]);
  await results.close();
});

const dockerfile = fixture('dockerfiles', 'node-app', 'Dockerfile');
const log = (name: string): string => fixture('recorded', `node-app-${name}.plain.log`);

function eventEnv(
  name: 'push' | 'pull_request',
  opts: { branch?: string; sha?: string; base?: string; resultsUrl?: string } = {},
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bca-event-'));
  // Each job is a runner of its own: its own home and temp dir, and (for pull requests) a deeper workspace.
  const workspace = name === 'push' ? join(dir, 'app') : join(dir, 'work', 'app', 'app');
  for (const d of [workspace, join(dir, 'home'), join(dir, 'tmp')]) mkdirSync(d, { recursive: true });
  const event = join(dir, 'event.json');
  const repository = { name: 'app', owner: { login: 'acme' }, default_branch: 'main' };
  const payload =
    name === 'push'
      ? { ref: `refs/heads/${opts.branch ?? 'main'}`, after: opts.sha, repository }
      : {
          action: 'synchronize',
          number: 7,
          pull_request: { number: 7, base: { ref: opts.base ?? 'main' } },
          repository,
        };
  writeFileSync(event, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: event,
    GITHUB_REF: name === 'push' ? `refs/heads/${opts.branch ?? 'main'}` : 'refs/pull/7/merge',
    GITHUB_SHA: opts.sha ?? 'f'.repeat(40),
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: workspace,
    HOME: join(dir, 'home'),
    TMPDIR: join(dir, 'tmp'),
    ACTIONS_RESULTS_URL: opts.resultsUrl ?? `${results.url}/`,
    ACTIONS_RUNTIME_TOKEN: results.token,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    BCA_RETRY_DELAY_MS: '10',
  };
}

function artifactFiles(name: string): Record<string, Uint8Array> {
  const a = results.artifacts.find((x) => x.name === name && x.finalized);
  if (!a) throw new Error(`no artifact ${name}: ${JSON.stringify(results.artifacts)}`);
  return unzipSync(new Uint8Array(results.blob(a.blob)!));
}

const report = (run: ActionRun): BuildReport =>
  JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')) as BuildReport;

describe('artifact', () => {
  test('the JSON, markdown and HTML reports and the charts (SVG and PNG) are uploaded as one artifact', async () => {
    const run = await runAction({ 'log-file': log('edit'), dockerfile }, eventEnv('push'));
    expect(errorLines(run)).toEqual([]);
    expect(run.status).toBe(0);
    const files = artifactFiles('buildkit-cache-report');
    const names = Object.keys(files).sort();
    expect(names).toEqual(expect.arrayContaining(['report.json', 'report.md', 'report.html', 'progress.log']));
    expect(strFromU8(files['progress.log'])).toBe(readFileSync(log('edit'), 'utf8'));
    const charts = names.filter((n) => n.startsWith('charts/'));
    expect(charts).toEqual(expect.arrayContaining(['charts/stage-time.png', 'charts/stage-time.svg']));
    expect(charts.filter((n) => n.endsWith('.png')).length).toBe(charts.filter((n) => n.endsWith('.svg')).length);
    for (const png of charts.filter((n) => n.endsWith('.png')))
      expect(Buffer.from(files[png].subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    expect(JSON.parse(strFromU8(files['report.json'])).steps).toEqual(report(run).steps);
    expect(JSON.parse(run.outputs.report)).toEqual(report(run));
    expect(strFromU8(files['report.html'])).toMatch(/^<!DOCTYPE html>/i);
    const id = results.artifacts[0].id;
    expect(run.outputs['artifact-id']).toBe(String(id));
    expect(run.outputs['artifact-url']).toBe(`https://github.com/acme/app/actions/runs/4242/artifacts/${id}`);
    expect(run.summary).toContain(`(https://github.com/acme/app/actions/runs/4242/artifacts/${id})`);
  });

  test('a matrix job names its artifact by report-id; charts can be turned off', async () => {
    const run = await runAction(
      { 'log-file': log('edit'), dockerfile, 'report-id': 'linux/arm64', charts: 'false' },
      eventEnv('push', { branch: 'topic' }),
    );
    expect(run.status).toBe(0);
    const names = Object.keys(artifactFiles('buildkit-cache-report-linux-arm64'));
    expect(names.some((n) => n.startsWith('charts/'))).toBe(false);
    expect(names).toContain('report.html');
  });

  test('a build-arg value appears nowhere in the artifact, the saved log included', async () => {
    const run = await runAction(
      {
        'log-file': fixture('recorded', 'arg-shared-arg.plain.log'),
        dockerfile: fixture('dockerfiles', 'arg-shared', 'Dockerfile'),
        'build-args': 'GREETING=bonjour',
        charts: 'false',
      },
      eventEnv('push', { branch: 'topic' }),
    );
    expect(run.status).toBe(0);
    const files = artifactFiles('buildkit-cache-report');
    expect(strFromU8(files['progress.log'])).toContain('RUN echo "***" > greeting.txt');
    for (const [name, data] of Object.entries(files))
      expect([name, strFromU8(data).includes('bonjour')]).toEqual([name, false]);
  });

  test("a re-run job's artifact replaces the one its first attempt uploaded (names are unique per run)", async () => {
    const inputs = { 'log-file': log('edit'), dockerfile, charts: 'false' };
    const env = eventEnv('push', { branch: 'topic' });
    const first = await runAction(inputs, { ...env, GITHUB_RUN_ATTEMPT: '1' });
    const second = await runAction(inputs, { ...env, GITHUB_RUN_ATTEMPT: '2' });
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(second.stdout).not.toMatch(/::warning::/);
    expect(second.stdout).toContain(
      `Replaced the artifact 'buildkit-cache-report' (id ${first.outputs['artifact-id']}) of an earlier attempt`,
    );
    const stored = results.artifacts.filter((a) => a.finalized);
    expect(stored.map((a) => [a.name, String(a.id)])).toEqual([
      ['buildkit-cache-report', second.outputs['artifact-id']],
    ]);
    expect(second.outputs['artifact-id']).not.toBe(first.outputs['artifact-id']);
    expect(second.summary).toContain(`/artifacts/${second.outputs['artifact-id']})`);
  });

  test("in one attempt, a name another job already used is a warning and that job's artifact is kept", async () => {
    const inputs = { 'log-file': log('edit'), dockerfile, charts: 'false' };
    const env = eventEnv('push', { branch: 'topic' });
    const first = await runAction(inputs, env);
    const second = await runAction(inputs, env);
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(second.stdout).toMatch(
      /::warning::Could not upload the artifact 'buildkit-cache-report': another job or step of this run already uploaded .*report-id/,
    );
    expect(results.calls).not.toContain('ArtifactService/DeleteArtifact');
    expect(results.artifacts.filter((a) => a.finalized).map((a) => String(a.id))).toEqual([
      first.outputs['artifact-id'],
    ]);
    expect(second.outputs['artifact-id']).toBeUndefined();
    expect(second.summary).toMatch(/BuildKit cache analysis/);
  });

  test('artifact: false uploads nothing but the files are still written', async () => {
    const run = await runAction({ 'log-file': log('edit'), dockerfile, artifact: 'false' }, eventEnv('push'));
    expect(run.status).toBe(0);
    expect(results.calls.filter((c) => c.startsWith('ArtifactService'))).toEqual([]);
    expect(readFileSync(run.outputs['html-report'], 'utf8')).toMatch(/<html/i);
  });
});

describe('baseline store', () => {
  test('a push saves the baseline; the next pull request, on a runner laid out otherwise, restores and compares with it', async () => {
    const pushEnv = eventEnv('push', { sha: 'a'.repeat(40) });
    const push = await runAction({ 'log-file': log('warm'), dockerfile }, pushEnv);
    expect(push.status).toBe(0);
    expect(push.outputs['baseline-found']).toBe('false');
    expect(push.outputs['baseline-key']).toBe(`buildkit-cache-analytics-v1~default~main~${'a'.repeat(40)}`);
    expect(results.caches.map((c) => [c.key, c.finalized])).toEqual([[push.outputs['baseline-key'], true]]);

    const calls = results.calls.length;
    const prEnv = eventEnv('pull_request');
    // The edit re-ran 0.2 s of steps: a regression only over a threshold that low.
    const pr = await runAction({ 'log-file': log('edit'), dockerfile, 'time-threshold': '0s' }, prEnv);
    expect(pr.status).toBe(0);
    expect(pr.outputs['baseline-found']).toBe('true');
    expect(Number(pr.outputs.regressions)).toBeGreaterThan(0);
    const r = report(pr);
    expect(r.comparison?.baseline.commit).toBe('a'.repeat(40));
    expect(r.comparison?.steps.some((s) => s.regressions.includes('lost-cache'))).toBe(true);
    expect(pr.summary).toMatch(/lost (its|their) cache|cached → ran|regression/i);
    // The baseline is named by the branch it came from and its commit.
    expect(pr.summary).toContain('cached on `main` @ `aaaaaaa` re-ran here.');
    // And linked to the run that built it.
    expect(r.comparison?.baseline.runUrl).toBe('https://github.com/acme/app/actions/runs/4242');
    expect(pr.summary).toContain('Baseline run: https://github.com/acme/app/actions/runs/4242');
    // A pull request reads, never writes: no entry others could restore.
    expect(results.calls.slice(calls).filter((c) => c.startsWith('CacheService'))).toEqual([
      'CacheService/GetCacheEntryDownloadURL',
    ]);
    expect(results.caches).toHaveLength(1);
    // The baseline's files lived in the workspace only while they were saved or read.
    expect(readdirSync(pushEnv.GITHUB_WORKSPACE)).toEqual([]);
    expect(readdirSync(prEnv.GITHUB_WORKSPACE)).toEqual([]);
  });

  test('each push extends the history; the newest baseline wins; another branch is neither read nor written', async () => {
    await runAction({ 'log-file': log('cold'), dockerfile }, eventEnv('push', { sha: '1'.repeat(40) }));
    const second = await runAction({ 'log-file': log('warm'), dockerfile }, eventEnv('push', { sha: '2'.repeat(40) }));
    // The second push compares with the first (main against main).
    expect(second.outputs['baseline-found']).toBe('true');
    expect(report(second).comparison?.baseline.commit).toBe('1'.repeat(40));
    const topic = await runAction({ 'log-file': log('edit'), dockerfile }, eventEnv('push', { branch: 'main-2' }));
    expect(topic.outputs['baseline-found']).toBe('false');
    expect(topic.outputs['baseline-key']).toBeUndefined();
    expect(topic.stdout).toContain("branch 'main-2' is not a baseline branch (main)");

    const pr = await runAction({ 'log-file': log('edit'), dockerfile }, eventEnv('pull_request'));
    expect(report(pr).comparison?.baseline.commit).toBe('2'.repeat(40));
    expect(pr.stdout).toContain('(2 build(s) of history)');
    expect(results.caches.map((c) => c.key.split('~').at(-1))).toEqual(['1'.repeat(40), '2'.repeat(40)]);
  });

  test('baseline-branches adds branches; report-id keeps matrix baselines apart', async () => {
    const env = eventEnv('push', { branch: 'release', sha: 'b'.repeat(40) });
    const saved = await runAction(
      { 'log-file': log('warm'), dockerfile, 'baseline-branches': 'main, release', 'report-id': 'amd64' },
      env,
    );
    expect(saved.outputs['baseline-key']).toBe(`buildkit-cache-analytics-v1~amd64~release~${'b'.repeat(40)}`);
    const other = await runAction(
      { 'log-file': log('edit'), dockerfile, 'report-id': 'arm64' },
      eventEnv('pull_request', { base: 'release' }),
    );
    expect(other.outputs['baseline-found']).toBe('false');
    const same = await runAction(
      { 'log-file': log('edit'), dockerfile, 'report-id': 'amd64' },
      eventEnv('pull_request', { base: 'release' }),
    );
    expect(same.outputs['baseline-found']).toBe('true');
  });

  test('a re-run of a saved commit compares with its first run and saves nothing new, without a warning', async () => {
    const env = eventEnv('push', { sha: 'c'.repeat(40) });
    const inputs = { 'log-file': log('warm'), dockerfile, artifact: 'false' };
    await runAction(inputs, env);
    const again = await runAction(inputs, env);
    expect(again.outputs['baseline-found']).toBe('true');
    expect(again.stdout).toContain(`already stored as 'buildkit-cache-analytics-v1~default~main~${'c'.repeat(40)}'`);
    expect(again.stdout).not.toMatch(/::warning::/);
    expect(results.caches).toHaveLength(1);
  });

  test('a failed build is reported but never becomes the baseline', async () => {
    const run = await runAction(
      {
        'log-file': fixture('recorded', 'failing-run-fail.plain.log'),
        dockerfile: fixture('dockerfiles', 'failing-run', 'Dockerfile'),
      },
      eventEnv('push'),
    );
    expect(run.stdout).toContain('The baseline is not saved: this build failed or its report is incomplete');
    expect(results.calls).not.toContain('CacheService/CreateCacheEntry');
  });

  test('baseline-file wins over the store, which is then left alone', async () => {
    const first = await runAction({ 'log-file': log('warm'), dockerfile }, eventEnv('push'));
    const calls = results.calls.length;
    const pr = await runAction(
      { 'log-file': log('edit'), dockerfile, 'baseline-file': first.outputs['report-path'] },
      eventEnv('pull_request'),
    );
    expect(pr.outputs['baseline-found']).toBe('true');
    expect(results.calls.slice(calls).filter((c) => c.startsWith('CacheService'))).toEqual([]);
  });
});

describe('when GitHub says no', () => {
  test('cache and artifact services down: warnings; summary, report and files are still written', async () => {
    // A port nothing listens on: the services are unreachable.
    const down = await startResultsServer();
    const url = down.url;
    await down.close();
    const run = await runAction({ 'log-file': log('edit'), dockerfile }, eventEnv('push', { resultsUrl: url }));
    expect(errorLines(run)).toEqual([]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/::warning::.*(restore|Failed to restore)/i);
    expect(run.stdout).toMatch(/::warning::Could not upload the artifact 'buildkit-cache-report'/);
    expect(run.summary).toContain('steps');
    expect(readFileSync(run.outputs['html-report'], 'utf8')).toMatch(/<html/i);
    expect(run.outputs['artifact-id']).toBeUndefined();
  });

  test("a fork's pull request (403 on the comment) still uploads the artifact and passes", async () => {
    const gh: GitHubServer = await startGitHubServer();
    try {
      gh.fail.push({ match: /^POST /, status: 403, times: 10 });
      const run = await runAction(
        { 'log-file': log('edit'), dockerfile, 'github-token': 'ghs_test' },
        { ...eventEnv('pull_request'), GITHUB_API_URL: gh.url },
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/::warning::Could not comment on the pull request \(GitHub answered 403\)/);
      expect(Object.keys(artifactFiles('buildkit-cache-report'))).toContain('report.html');
      expect(run.summary).toContain('/artifacts/');
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
  });

  test('the pull request comment, posted before the charts are drawn, links the run that holds the artifact', async () => {
    const gh: GitHubServer = await startGitHubServer();
    try {
      const run = await runAction(
        { 'log-file': log('edit'), dockerfile, 'github-token': 'ghs_test' },
        { ...eventEnv('pull_request'), GITHUB_API_URL: gh.url },
      );
      expect(run.status).toBe(0);
      const id = results.artifacts[0].id;
      expect(gh.comments).toHaveLength(1);
      expect(gh.comments[0].body).toContain(
        'artifact `buildkit-cache-report` on [the workflow run](https://github.com/acme/app/actions/runs/4242).',
      );
      // The summary is written again once the artifact is uploaded: it links the artifact itself.
      expect(run.summary).toContain(`(https://github.com/acme/app/actions/runs/4242/artifacts/${id})`);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.close();
    }
  });
});

describe('the report output', () => {
  test('a report too big for an output keeps everything but its steps, and says how many were left out', async () => {
    const { reportOutput } = await import('../../src/action/outputs.js');
    const run = await runAction({ 'log-file': log('edit'), dockerfile, artifact: 'false', charts: 'false' }, {});
    const r = report(run);
    const big = { ...r, steps: Array.from({ length: 3000 }, (_, i) => ({ ...r.steps[0], id: `s#${i}` })) };
    const out = JSON.parse(reportOutput(big)) as BuildReport & { stepsOmitted: number };
    expect(out.stepsOmitted).toBe(3000);
    expect(out.steps).toEqual([]);
    expect(out.totals).toEqual(r.totals);
    expect(JSON.parse(reportOutput(r))).toEqual(r);
  });
});
