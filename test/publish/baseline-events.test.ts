// 4. Only a push to a baseline branch saves a baseline: every other event (workflow_run and issue_comment run as
// the default branch while processing a fork's content) restores at most.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { planStore, SAVE_EVENTS } from '../../src/publish/baseline-store.js';
import { runAction } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
import { startResultsServer } from '../support/results-server.js';

jest.setTimeout(60_000);

// Events a workflow on the default branch can run for (GitHub's list, those with a branch ref).
const EVENTS = [
  'push',
  'workflow_run',
  'issue_comment',
  'schedule',
  'workflow_dispatch',
  'repository_dispatch',
  'workflow_call',
  'release',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'discussion',
  'discussion_comment',
  'fork',
  'gollum',
  'issues',
  'label',
  'merge_group',
  'milestone',
  'page_build',
  'public',
  'registry_package',
  'status',
  'watch',
  'check_run',
  'check_suite',
  'branch_protection_rule',
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
];

describe('planStore', () => {
  test('only push is a saving event', () => {
    expect([...SAVE_EVENTS]).toEqual(['push']);
  });

  test.each(EVENTS)('%s on the default branch', (eventName) => {
    const plan = planStore({
      eventName,
      ref: 'refs/heads/main',
      sha: 'a'.repeat(40),
      baseRef: eventName.startsWith('pull_request') ? 'main' : null,
      defaultBranch: 'main',
      reportId: '',
      branches: [],
      cwd: '/ws',
    });
    expect(plan.saveKey !== null).toBe(eventName === 'push');
    // Whatever the event, a baseline of the branch may be read to compare with.
    expect(plan.restore).toBe('main');
  });
});

test.each(['workflow_run', 'issue_comment', 'schedule', 'workflow_dispatch'])(
  'the action on %s of the default branch restores, and never writes a cache entry',
  async (eventName) => {
    const results = await startResultsServer();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'bca-event-'));
      mkdirSync(join(dir, 'ws'));
      writeFileSync(
        join(dir, 'event.json'),
        JSON.stringify({ repository: { name: 'app', owner: { login: 'acme' }, default_branch: 'main' } }),
      );
      const run = await runAction(
        { 'log-file': fixture('recorded', 'node-app-warm.plain.log'), artifact: 'false', charts: 'false' },
        {
          GITHUB_EVENT_NAME: eventName,
          GITHUB_EVENT_PATH: join(dir, 'event.json'),
          GITHUB_REF: 'refs/heads/main',
          GITHUB_SHA: 'b'.repeat(40),
          GITHUB_REPOSITORY: 'acme/app',
          GITHUB_WORKSPACE: join(dir, 'ws'),
          ACTIONS_RESULTS_URL: `${results.url}/`,
          ACTIONS_RUNTIME_TOKEN: results.token,
          ACTIONS_CACHE_SERVICE_V2: 'true',
        },
      );
      expect(run.status).toBe(0);
      expect(run.outputs['baseline-key']).toBeUndefined();
      expect(results.calls.filter((c) => c.startsWith('CacheService'))).toEqual([
        'CacheService/GetCacheEntryDownloadURL',
      ]);
      expect(results.caches).toEqual([]);
      expect(results.violations).toEqual([]);
    } finally {
      await results.close();
    }
  },
);
