// `buildkit-cache-analytics verify`: the analysis of a build's log, then its top suggestions tried on
// real rebuilds with the same docker CLI and cache (see ./index.ts).
import { access, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeLog, render, type OutputFormat } from './analyze-command.js';
import { extraArgSecrets } from './capture/extra-args.js';
import { sensitiveValues, words, type BuildInputs } from './capture/inputs.js';
import { Redactor, reportIds } from './model/redact.js';
import { TOOL_NAME } from './version.js';
import { readLog } from './util/read-log.js';
import { parseDuration } from './verify/duration.js';
import { verifySuggestions, withVerifications } from './verify/index.js';

export const VERIFY_USAGE = `Usage: ${TOOL_NAME} verify <log> --dockerfile PATH --git-base REF [options]

Analyses the log of a build (as 'analyze' does), then tries its top suggestions backed by that build
on real rebuilds (needs Docker): in a scratch copy of the context, the edit is applied, the base tree
(the merge base of REF and HEAD, from git) is built with it, then this tree; the re-run time is compared
with the logged build's, and the final image with the one built without the edit (files, sizes, modes,
owners, entrypoint, cmd, env, workdir, user). Nothing is pushed; temporary tags and folders are removed.

Options:
  --dockerfile PATH         the Dockerfile that was built (required)
  --git-base REF            the base branch or commit (required), e.g. origin/main
  --context DIR             build context (default: the Dockerfile's folder)
  --build-arg KEY=VALUE     as given to the real build (repeatable); values are redacted everywhere
  --base-build-arg K=V      a build arg of the base build instead (repeatable; default: an ARG the
                            analysis blamed for a re-run gets a value of its own)
  --secret id=KEY,src=FILE  as given to the real build (repeatable); values are redacted everywhere
  --target STAGE            the stage that was built
  --cache-from REF          as given to the real build (repeatable)
  --extra-args "ARGS"       more build arguments, as a shell would split them (push/output/cache-to dropped)
  --docker PATH             the docker CLI (default: docker)
  --count N                 how many suggestions to verify (default 1)
  --timeout T               time budget, e.g. 10m (default), 90s; the rest is skipped with a note
  --changed-files LIST      as for 'analyze' (default: from --git-base)
  --format text|md|json     output format (default text)

Exit codes: 0 verified (whatever each verdict), 1 incomplete report or build failed, 2 bad usage.`;

interface CliIo {
  /** May return a promise: waited for before writing more (a pipe that is read slowly). */
  stdout: (text: string) => unknown;
  stderr: (text: string) => void;
}

const FORMATS: readonly OutputFormat[] = ['text', 'md', 'json'];

/** `id=KEY,src=FILE` (docker's form) → `KEY=<the file's content>`. */
async function secretItem(spec: string): Promise<string> {
  const fields = new Map(spec.split(',').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
  const id = fields.get('id');
  const src = fields.get('src') ?? fields.get('source');
  if (!id || !src) throw new Error(`'--secret' must be id=KEY,src=FILE but got '${spec.replace(/src=.*/, 'src=…')}'`);
  try {
    return `${id}=${await readFile(src, 'utf8')}`;
  } catch {
    throw new Error(`'--secret' ${id}: cannot read '${src}'`);
  }
}

function fail(io: CliIo, message: string): number {
  io.stderr(`${TOOL_NAME}: ${message} (see --help)\n`);
  return 2;
}

export async function runVerifyCli(argv: string[], io: CliIo): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dockerfile: { type: 'string' },
        'git-base': { type: 'string' },
        context: { type: 'string' },
        'build-arg': { type: 'string', multiple: true },
        'base-build-arg': { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        target: { type: 'string' },
        'cache-from': { type: 'string', multiple: true },
        'extra-args': { type: 'string' },
        docker: { type: 'string' },
        count: { type: 'string' },
        timeout: { type: 'string' },
        'changed-files': { type: 'string' },
        format: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return fail(io, (err as Error).message);
  }
  if (values.help) {
    io.stdout(`${VERIFY_USAGE}\n`);
    return 0;
  }
  const [log, ...extra] = positionals;
  if (!log) return fail(io, 'verify: missing the log file of the build');
  if (extra.length) return fail(io, `unexpected argument '${extra[0]}'`);
  if (!values.dockerfile) return fail(io, "verify needs '--dockerfile'");
  if (!values['git-base']) return fail(io, "verify needs '--git-base' (the base tree comes from git)");
  const format = (values.format ?? 'text') as OutputFormat;
  if (!FORMATS.includes(format)) return fail(io, `'--format' must be text, md or json but got '${values.format}'`);
  const count = Number(values.count ?? '1');
  if (!Number.isInteger(count) || count < 1)
    return fail(io, `'--count' must be a whole number from 1 but got '${values.count}'`);
  const timeout = parseDuration(values.timeout ?? '10m');
  if (timeout === null || timeout <= 0)
    return fail(io, `'--timeout' must be a duration such as 10m or 90s but got '${values.timeout}'`);
  try {
    await access(log);
  } catch {
    io.stderr(`${TOOL_NAME}: cannot read '${log}': no such file or not readable\n`);
    return 2;
  }
  let secrets: string[];
  try {
    secrets = await Promise.all((values.secret ?? []).map(secretItem));
  } catch (err) {
    return fail(io, (err as Error).message);
  }
  const build: BuildInputs = {
    context: values.context ?? dirname(values.dockerfile),
    file: values.dockerfile,
    target: values.target ?? '',
    'build-args': values['build-arg'] ?? [],
    tags: [],
    platforms: [],
    'cache-from': values['cache-from'] ?? [],
    'cache-to': [],
    push: false,
    load: false,
    secrets,
    'extra-args': words(values['extra-args'] ?? ''),
    docker: values.docker ?? 'docker',
  };
  const redactor = new Redactor([
    ...sensitiveValues(build),
    ...extraArgSecrets(build['extra-args']),
    ...(values['base-build-arg'] ?? []).map((a) => a.slice(a.indexOf('=') + 1)),
  ]);
  let result;
  try {
    result = await analyzeLog(readLog(log) as AsyncIterable<Uint8Array>, {
      file: log,
      dockerfile: values.dockerfile,
      format,
      context: build.context,
      changedFiles: values['changed-files'] ?? null,
      gitBase: values['changed-files'] ? null : values['git-base'],
    });
  } catch (err) {
    io.stderr(`${TOOL_NAME}: ${redactor.text((err as Error).message)}\n`);
    return 2;
  }
  const verified = await verifySuggestions({
    report: result.report,
    build,
    gitBase: values['git-base'],
    count,
    timeoutSeconds: timeout,
    redactor,
    baseBuildArgs: values['base-build-arg'],
    log: (line) => io.stderr(`${TOOL_NAME}: ${redactor.text(line)}\n`),
  });
  const withVerified = withVerifications(result.report, verified);
  const report = redactor.deep(withVerified, reportIds(withVerified));
  for (const chunk of render(report, format)) await io.stdout(chunk);
  for (const note of verified.notes) io.stderr(`${TOOL_NAME}: note: ${note}\n`);
  const verdicts = (report.analysis?.suggestions ?? [])
    .filter((s) => s.verification)
    .map((s) => `${s.rule} ${s.verification!.status}`);
  io.stderr(
    `${TOOL_NAME}: verified ${verdicts.length} suggestion(s) in ${verified.seconds.toFixed(1)} s (${verified.builds} builds)${verdicts.length ? `: ${verdicts.join(', ')}` : ''}\n`,
  );
  if (report.failed || !report.complete) {
    io.stderr(`${TOOL_NAME}: incomplete report: ${report.incompleteReasons.join('; ')}\n`);
    return 1;
  }
  return 0;
}
