// The repository's Actions cache use, asked of the local GitHub (every request checked against the published schema).
import { getOctokit } from '@actions/github';
import { fetchCacheUsage } from '../../src/publish/cache-usage.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';

const GB = 1024 ** 3;
let server: GitHubServer;

beforeEach(async () => {
  server = await startGitHubServer();
}, 30_000);

afterEach(async () => {
  expect(server.violations).toEqual([]);
  await server.close();
}, 30_000);

function octokit() {
  return getOctokit('test-token', { baseUrl: server.url });
}

describe('fetchCacheUsage', () => {
  test('reads the usage: share of the 10 GB limit', async () => {
    server.cacheUsage = { bytes: 8.5 * GB, count: 42 };
    const r = await fetchCacheUsage({ octokit: octokit(), owner: 'o', repo: 'r' });
    expect(r).toEqual({ usage: { activeBytes: 8.5 * GB, activeCount: 42, limitBytes: 10 * GB, share: 0.85 } });
    expect(server.requests).toEqual(['GET /repos/o/r/actions/cache/usage']);
  }, 30_000);

  test("a token without 'actions: read' (403): no usage, and why", async () => {
    server.fail.push({ match: /cache\/usage/, status: 403, times: 1 });
    const r = await fetchCacheUsage({ octokit: octokit(), owner: 'o', repo: 'r' });
    expect(r).toEqual({ usage: null, reason: "GitHub answered 403 (the token needs 'actions: read')" });
  }, 30_000);

  test('a GitHub that does not answer: the call gives up at its deadline', async () => {
    server.stall.push({ match: /cache\/usage/, ms: 1500 });
    const t0 = Date.now();
    const r = await fetchCacheUsage({ octokit: octokit(), owner: 'o', repo: 'r', timeoutMs: 300 });
    expect(r).toEqual({ usage: null, reason: 'GitHub did not answer within 0.3s' });
    expect(Date.now() - t0).toBeLessThan(1400);
  }, 30_000);
});
