// The bundled action on logs with a remote cache: the three outputs, the section in the job summary, and the
// repository's Actions cache usage asked of the local GitHub (schema-checked) when a gha cache is in use.
import { errorLines, reportOf, runAction } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
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

const github = () => ({ GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'octo/app' });

describe('dist/action.js and the remote cache', () => {
  test('an import that served every step: outputs, the summary section, no API call for a registry cache', async () => {
    const r = await runAction(
      {
        'log-file': fixture('recorded', 'remote-cache-import-hit.rawjson'),
        'cache-from': 'localhost:5516/bca/rc:main',
        'github-token': 'test-token',
      },
      github(),
    );
    expect(r.status).toBe(0);
    expect(r.outputs['cache-imported-steps']).toBe('8');
    expect(Number(r.outputs['cache-import-seconds'])).toBeGreaterThan(0);
    expect(r.outputs['cache-export-seconds']).toBe('0');
    expect(r.outputs.complete).toBe('true');
    expect(r.summary).toContain('### Remote cache');
    expect(server.requests).toEqual([]);
  }, 60_000);

  test('a failed cache import leaves the build green: no error, no failed step', async () => {
    const r = await runAction({ 'log-file': fixture('recorded', 'remote-cache-import-wrong-ref.plain.log') }, github());
    expect(r.status).toBe(0);
    expect(errorLines(r)).toEqual([]);
    expect(r.outputs.complete).toBe('true');
    const report = reportOf(r);
    expect(report.failed).toBe(false);
    expect(report.remoteCache!.diagnoses.map((d) => d.kind)).toEqual(['import-failed']);
    expect(r.summary).toContain('import-failed');
  }, 60_000);

  test('a gha export near the Actions cache limit: usage read, a warning, the export time out', async () => {
    server.cacheUsage = { bytes: 9 * GB, count: 120 };
    const r = await runAction(
      {
        'log-file': fixture('corpus', 'remote-cache', 'gha-export-timeout-kubeflow.log'),
        'cache-to': 'type=gha,mode=max,token=must-not-leak',
        'github-token': 'test-token',
      },
      github(),
    );
    expect(r.status).toBe(0);
    expect(server.requests).toEqual(['GET /repos/octo/app/actions/cache/usage']);
    expect(r.outputs['cache-export-seconds']).toBe('607.8');
    expect(r.outputs['cache-imported-steps']).toBe('0');
    expect(r.stdout).toMatch(/::warning::The repository's Actions cache holds 9\.00 GB of its 10\.00 GB \(90%25\)/);
    const report = reportOf(r);
    expect(report.remoteCache!.usage).toEqual({
      activeBytes: 9 * GB,
      activeCount: 120,
      limitBytes: 10 * GB,
      share: 0.9,
    });
    expect(report.remoteCache!.exports[0]).toEqual(expect.objectContaining({ backend: 'gha', mode: 'max' }));
    expect(report.remoteCache!.diagnoses.map((d) => d.kind)).toEqual([
      'export-failed',
      'export-dominates',
      'cache-near-limit',
    ]);
    expect(JSON.stringify(report)).not.toContain('must-not-leak');
  }, 60_000);
});
