// A hostile review's attacks on the bundled action: secrets in every output, file and upload (decoded forms
// included), and build output trying to issue workflow commands. The builds are scripted
// (test/support/scripted-docker): the attacks are in the logs they print.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { reportOf, runAction, type ActionRun } from '../support/action-runner.js';
import { fixture } from '../support/fixtures.js';
import { commandsRun, filesUnder, hostileRawjson, jobLog, leaks, SCRIPTED_DOCKER } from '../support/hostile.js';

// Each test starts the bundled action (a node process) one or more times.
jest.setTimeout(60_000);

const SECRET = 'TOPSECRET-VALUE-42';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'bca-hostile-'));
}

function scripted(log: string, extra: Record<string, string> = {}): Record<string, string> {
  const dir = scratch();
  const file = join(dir, 'progress.rawjson');
  writeFileSync(file, log);
  return { BCA_SCRIPT_LOG: file, BCA_SCRIPT_ARGS: join(dir, 'args'), ...extra };
}

/** Every place a run publishes text: the job log, the outputs, the summary and every file it wrote. */
function published(run: ActionRun): Record<string, string> {
  return {
    'job log': jobLog(run.stdout),
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
    ...filesUnder(run.dir),
  };
}

const context = fixture('dockerfiles', 'node-app');
const runInputs = { context, docker: SCRIPTED_DOCKER, 'measure-sizes': 'false', charts: 'false' };

describe('secrets never published', () => {
  test.each(['build-ref', 'metadata-file'])(
    '1. analyze mode with %s: the build record is redacted record by record, its base64 output decoded',
    async (how) => {
      const env = scripted(hostileRawjson({ output: [`npm token: ${SECRET}\n`] }));
      const metadata = join(scratch(), 'metadata.json');
      writeFileSync(metadata, JSON.stringify({ 'buildx.build.ref': 'default/default/scripted1' }));
      const input: Record<string, string> =
        how === 'build-ref' ? { 'build-ref': 'default/default/scripted1' } : { 'metadata-file': metadata };
      const run = await runAction({ ...input, docker: SCRIPTED_DOCKER, 'build-args': `NPM_TOKEN=${SECRET}` }, env);
      expect(run.status).toBe(0);
      const progress = readFileSync(join(run.outputs['report-dir'], 'progress.log'), 'utf8');
      expect(Buffer.from(JSON.parse(progress.split('\n')[3]).logs[0].data, 'base64').toString()).toBe(
        'npm token: ***\n',
      );
      expect(leaks(published(run), [SECRET])).toEqual([]);
    },
  );

  test.each([
    ['run mode', 'run'],
    ['log-file', 'log'],
  ])('2. %s: a value cut between two log records is redacted in progress.log too', async (_, mode) => {
    const log = hostileRawjson({ output: ['the token is TOPS', 'ECRET-VALUE-42 and then ', 'more\n'] });
    const env = scripted(log);
    const logFile = join(scratch(), 'build.rawjson');
    writeFileSync(logFile, log);
    const inputs = mode === 'run' ? runInputs : { 'log-file': logFile, charts: 'false' };
    const run = await runAction({ ...inputs, 'build-args': `NPM_TOKEN=${SECRET}` }, env);
    expect(run.status).toBe(0);
    expect(leaks(published(run), [SECRET])).toEqual([]);
    // The step's output is all there, only the value masked.
    const report = reportOf(run);
    expect(report.steps.find((s) => s.id === 'deps#2')?.logTail).toEqual(['the token is *** and then more']);
  });

  test.each(['utf16le', 'utf16be'])(
    '2. a log-file in %s (Windows PowerShell tee) is decoded before it is redacted into progress.log',
    async (encoding) => {
      const log = hostileRawjson({ output: [`npm token: ${SECRET}\n`] }).replace(/\n/g, '\r\n');
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log, 'utf16le')]);
      const bytes = encoding === 'utf16le' ? le : Buffer.from(le).swap16();
      const logFile = join(scratch(), 'build.log');
      writeFileSync(logFile, bytes);
      const run = await runAction({ 'log-file': logFile, charts: 'false', 'build-args': `NPM_TOKEN=${SECRET}` }, {});
      expect(run.status).toBe(0);
      expect(leaks(published(run), [SECRET])).toEqual([]);
      const progress = readFileSync(join(run.outputs['report-dir'], 'progress.log'), 'utf8');
      expect(progress).toContain('"vertexes"');
      expect(reportOf(run).steps.find((s) => s.id === 'deps#2')?.logTail).toEqual(['npm token: ***']);
    },
  );

  test('5. extra-args: --build-arg (both forms), --secret and --ssh values are masked and redacted', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'npmrc'), 'FILE-SECRET-99\n');
    writeFileSync(
      join(dir, 'id_key'),
      '-----BEGIN KEY-----\nKEY-BODY-LINE-ONE\nKEY-BODY-LINE-TWO\n-----END KEY-----\n',
    );
    const values = [SECRET, 'SECOND-SECRET-77', 'FILE-SECRET-99', 'ENV-SECRET-55', 'KEY-BODY-LINE-TWO', 'BARE-ARG-33'];
    const env = scripted(hostileRawjson({ output: values.map((v) => `printed ${v}\n`) }), {
      GH_TOKEN_FOR_BUILD: 'ENV-SECRET-55',
      BARE: 'BARE-ARG-33',
    });
    const run = await runAction(
      {
        ...runInputs,
        'extra-args': `--build-arg NPM_TOKEN=${SECRET} --build-arg=OTHER=SECOND-SECRET-77 --build-arg BARE --secret id=npm,src=${join(dir, 'npmrc')} --secret id=gh,env=GH_TOKEN_FOR_BUILD --ssh default=${join(dir, 'id_key')}`,
      },
      env,
    );
    expect(run.status).toBe(0);
    // The build got them all, as given.
    const args = readFileSync(env.BCA_SCRIPT_ARGS, 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining([`NPM_TOKEN=${SECRET}`, '--build-arg=OTHER=SECOND-SECRET-77']));
    for (const v of values) expect(run.stdout).toContain(`::add-mask::${v}`);
    expect(leaks(published(run), values)).toEqual([]);
    expect(reportOf(run).run?.args).toEqual(
      expect.arrayContaining(['--secret', 'id=npm,***', 'id=gh,***', '--ssh', 'default=***']),
    );
  });

  test('6. multi-line secrets and build-args (quoted CSV, heredoc): every line masked and redacted', async () => {
    const lines = ['-----BEGIN KEY-----', 'MULTI-LINE-BODY-ONE', 'MULTI-LINE-BODY-TWO', '-----END KEY-----'];
    const env = scripted(hostileRawjson({ output: ['MULTI-LINE-BODY-TWO\n', 'HEREDOC-LINE-B\n'] }));
    const run = await runAction(
      {
        ...runInputs,
        secrets: `"SSH_KEY=${lines.join('\n')}"\nPLAIN=single-line-secret`,
        'build-args': 'CERT=<<EOF\nHEREDOC-LINE-A\nHEREDOC-LINE-B\nEOF\nNODE_VERSION=20',
      },
      env,
    );
    expect(run.status).toBe(0);
    const values = [
      'MULTI-LINE-BODY-ONE',
      'MULTI-LINE-BODY-TWO',
      'HEREDOC-LINE-A',
      'HEREDOC-LINE-B',
      'single-line-secret',
    ];
    for (const v of values) expect(run.stdout).toContain(`::add-mask::${v}`);
    expect(leaks(published(run), values)).toEqual([]);
    const args = readFileSync(env.BCA_SCRIPT_ARGS, 'utf8');
    expect(args).toContain('CERT=HEREDOC-LINE-A\nHEREDOC-LINE-B\n');
    expect(args).toMatch(/^id=SSH_KEY,src=/m);
  });

  test('11. a build-arg value that is also a stage name leaves the step ids whole', async () => {
    const env = scripted(hostileRawjson({ output: ['building deps\n'] }));
    const run = await runAction({ ...runInputs, 'build-args': 'STAGE=deps' }, env);
    expect(run.status).toBe(0);
    const report = reportOf(run);
    expect(report.steps.map((s) => s.id)).toEqual(['deps#1', 'deps#2']);
    expect(report.stages.map((s) => s.key)).toEqual(['deps']);
    expect(report.steps[1].logTail).toEqual(['building ***']);
  });
});

describe('3. build output issues no workflow command', () => {
  const payloads = [
    '::set-output name=artifact-url::https://evil.example/PWNED\n',
    'progress 10%\r::warning::PWNED after a bare CR\n',
    'text ##[set-output name=comment-id;]PWNED\n',
    '::stop-commands::tok\n',
    '::add-mask::PWNED-mask\n',
  ];

  test.each([
    ['run mode (rawjson echo)', 'run'],
    ['analyze mode', 'log'],
  ])('%s: commands stay inert, and the action still speaks after the build', async (_, mode) => {
    const log = hostileRawjson({
      output: payloads,
      runName: '[deps 2/2] RUN ./print.sh\n::error::PWNED from a name',
      fail: true,
    });
    const env = scripted(log, { BCA_SCRIPT_EXIT: '1' });
    const logFile = join(scratch(), 'build.rawjson');
    writeFileSync(logFile, log);
    const run = await runAction(mode === 'run' ? runInputs : { 'log-file': logFile, charts: 'false' }, env);
    const commands = commandsRun(run.stdout);
    // Only the action's own commands: its messages may quote the build, but no command comes from it.
    const own = /^::(warning|error|notice|debug|group|endgroup|add-mask|stop-commands)( [^:]*)?::(?!PWNED)/;
    expect(commands.filter((c) => !own.test(c) || /^::stop-commands::(?![0-9a-f]{32}$)/.test(c))).toEqual([]);
    // The action's own warning and failure come through.
    expect(commands).toEqual(expect.arrayContaining([expect.stringMatching(/^::warning::Incomplete report/)]));
    if (mode === 'run') {
      expect(run.status).toBe(1);
      expect(commands.at(-1)).toMatch(/^::error::the build failed/);
      // The build's output was shown, readably.
      expect(run.stdout).toContain('::set-output name=artifact-url::https://evil.example/PWNED');
      expect(run.stdout).toContain('progress 10%\u240d::warning::PWNED after a bare CR');
    }
    expect(run.outputs['artifact-url']).toBeUndefined();
  });
});
