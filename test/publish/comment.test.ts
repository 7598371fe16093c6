// The bundled action's pull request comment against a local GitHub whose every request is checked
// against GitHub's published REST description (test/support/github-server.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authoredMarker, commentMarker } from '../../src/publish/comment.js';
import { errorLines, runAction } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { jest } from '@jest/globals';

// Up to three runs of the bundled action a test (the charts drawn): minutes on a loaded machine.
jest.setTimeout(240_000);

let gh: GitHubServer;
beforeEach(async () => {
  gh = await startGitHubServer();
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
});

function pullRequestEnv(server: GitHubServer): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bca-event-'));
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, base: { ref: 'main' } },
      repository: { name: 'app', owner: { login: 'acme' } },
    }),
  );
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_API_URL: server.url,
    BCA_RETRY_DELAY_MS: '10',
  };
}

const inputs = {
  'log-file': fixture('recorded', 'node-app-edit.plain.log'),
  dockerfile: fixture('dockerfiles', 'node-app', 'Dockerfile'),
  'github-token': 'ghs_test',
};

describe('pull request comment', () => {
  test('created on the first run, updated in place on the second: one comment', async () => {
    const first = await runAction(inputs, pullRequestEnv(gh));
    expect(first.status).toBe(0);
    expect(gh.comments).toHaveLength(1);
    // GET /user answers 403 to the workflow token: the author the create call returned goes into the marker.
    expect(gh.comments[0].body.startsWith(authoredMarker('', 'github-actions[bot]'))).toBe(true);
    expect(gh.comments[0].body).toMatch(/## BuildKit cache analysis/);
    expect(first.outputs['comment-id']).toBe(String(gh.comments[0].id));

    const second = await runAction(inputs, pullRequestEnv(gh));
    expect(second.status).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    expect(gh.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(2);
  });

  test('10. a GitHub App installation token (GET /user: 403): created once, then updated, over three runs', async () => {
    gh.commenter = { login: 'bca-test-app[bot]', type: 'Bot' };
    // Look-alikes that are not ours: a person and another app quoting the marker, naming our app as the author.
    gh.comments.push(
      { id: 1, body: `${authoredMarker('', 'mallory')}\nmine?`, user: { login: 'mallory', type: 'User' } },
      {
        id: 2,
        body: `${authoredMarker('', 'bca-test-app[bot]')}\nforged`,
        user: { login: 'other-app[bot]', type: 'Bot' },
      },
      { id: 3, body: `${commentMarker('')}\nold`, user: { login: 'github-actions[bot]', type: 'Bot' } },
    );
    const runs = [];
    for (let i = 0; i < 3; i++)
      runs.push(
        await runAction({ ...inputs, 'github-token': 'ghs_appInstallationToken0123456789abcdef' }, pullRequestEnv(gh)),
      );
    expect(runs.map((r) => r.status)).toEqual([0, 0, 0]);
    const ours = gh.comments.filter((c) => c.user.login === 'bca-test-app[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0].body.startsWith(authoredMarker('', 'bca-test-app[bot]'))).toBe(true);
    expect(runs.map((r) => r.outputs['comment-id'])).toEqual([
      String(ours[0].id),
      String(ours[0].id),
      String(ours[0].id),
    ]);
    expect(runs.map((r) => /Pull request comment (\w+)/.exec(r.stdout)?.[1])).toEqual([
      'created',
      'updated',
      'updated',
    ]);
    expect(gh.comments.slice(0, 3).map((c) => c.body.split('\n')[1])).toEqual(['mine?', 'forged', 'old']);
  });

  test('a user token (GET /user answers): the marker names the user from the start', async () => {
    gh.authenticatedAs = 'octocat';
    gh.commenter = { login: 'octocat', type: 'User' };
    await runAction(inputs, pullRequestEnv(gh));
    await runAction(inputs, pullRequestEnv(gh));
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body.startsWith(authoredMarker('', 'octocat'))).toBe(true);
    expect(gh.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(1);
  });

  test("another user's comment quoting the marker is not ours: ours is created beside it", async () => {
    gh.comments.push({
      id: 1,
      body: `${commentMarker('')}\nquoted by someone`,
      user: { login: 'mallory', type: 'User' },
    });
    await runAction(inputs, pullRequestEnv(gh));
    expect(gh.comments.map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]']);
    expect(gh.comments[0].body).toBe(`${commentMarker('')}\nquoted by someone`);
  });

  test('matrix builds keep one comment each (report-id), found across pages', async () => {
    for (let i = 0; i < 150; i++)
      gh.comments.push({ id: i + 1, body: `chatter ${i}`, user: { login: 'someone', type: 'User' } });
    await runAction({ ...inputs, 'report-id': 'amd64' }, pullRequestEnv(gh));
    await runAction({ ...inputs, 'report-id': 'arm64' }, pullRequestEnv(gh));
    await runAction({ ...inputs, 'report-id': 'amd64' }, pullRequestEnv(gh));
    const ours = gh.comments.filter((c) => c.user.login === 'github-actions[bot]');
    expect(ours.map((c) => c.body.split('\n')[0])).toEqual([
      authoredMarker('amd64', 'github-actions[bot]'),
      authoredMarker('arm64', 'github-actions[bot]'),
    ]);
    expect(gh.requests.some((r) => /[?&]page=2\b/.test(r))).toBe(true);
  });

  test("a fork's read-only token (403): a warning; the summary and the report are still written", async () => {
    gh.fail.push({ match: /^POST /, status: 403, times: 10 });
    const run = await runAction(inputs, pullRequestEnv(gh));
    expect(run.status).toBe(0);
    expect(errorLines(run)).toEqual([]);
    expect(run.stdout).toMatch(/::warning::Could not comment on the pull request \(GitHub answered 403\)/);
    expect(run.summary).toMatch(/## BuildKit cache analysis/);
    expect(JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')).schemaVersion).toBe(1);
  });

  test('a 5xx is retried', async () => {
    gh.fail.push({ match: /^POST /, status: 502, times: 1 });
    const run = await runAction(inputs, pullRequestEnv(gh));
    expect(run.status).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.requests.filter((r) => r.startsWith('POST'))).toHaveLength(2);
  });

  test.each([
    ['never', 0],
    ['on-regression', 0],
  ])('comment: %s with no regression posts nothing', async (mode, count) => {
    await runAction({ ...inputs, comment: mode }, pullRequestEnv(gh));
    expect(gh.comments).toHaveLength(count);
  });

  test('not a pull request: no API call at all', async () => {
    const env: Record<string, string> = { ...pullRequestEnv(gh), GITHUB_EVENT_NAME: 'push' };
    writeFileSync(env.GITHUB_EVENT_PATH, JSON.stringify({ ref: 'refs/heads/main' }));
    await runAction(inputs, env);
    expect(gh.requests).toEqual([]);
  });
});

describe('the local GitHub checks requests against the REST description', () => {
  test('an unknown route and a body that does not match the schema are violations', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${gh.url}${path}`, {
        method: 'POST',
        headers: { authorization: 'token t', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('/repos/acme/app/issues/7/comments', { text: 'no body field' });
    await post('/repos/acme/app/no-such-thing', {});
    expect(gh.violations).toEqual([
      expect.stringMatching(/^POST \/repos\/acme\/app\/issues\/7\/comments: .*body/),
      "no operation POST /repos/acme/app/no-such-thing in GitHub's REST API",
    ]);
    gh.violations.length = 0; // seen: the afterEach check is for the action's own requests
  });
});
