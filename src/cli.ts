import { access, readdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyzeLog, type OutputFormat } from './analyze-command.js';
import { suggestFile, suggestionsMarkdown, suggestionsText, suggestSummary } from './suggest-file.js';
import { writeReportFiles } from './publish/report-files.js';
import { TOOL_NAME, VERSION } from './version.js';
import { runVerifyCli } from './verify-command.js';
import { readLog } from './util/read-log.js';

const USAGE = `Usage: ${TOOL_NAME} analyze <log|-> [options]
       ${TOOL_NAME} suggest <Dockerfile>... [--context DIR] [--format text|md|json] [--check]
       ${TOOL_NAME} verify <log> --dockerfile PATH --git-base REF [options]   (see verify --help)

analyze: reads a BuildKit progress log (plain or rawjson; '-' for stdin) and prints the cache analysis.
suggest: runs the suggestion rules on a Dockerfile without a build (rules of thumb) and prints their diffs;
         with --check, exits 1 when any fires (for pre-commit hooks and CI linting).

Options:
  --format text|md|json     output format (default text)
  --dockerfile PATH         tie steps to Dockerfile lines; rebuild the step graph from it
  --context DIR             build context, for matching changed files to COPY (default: the Dockerfile's folder)
  --changed-files LIST      changed files (comma/newline separated, or @FILE) that set misses off
  --git-base REF            take the changed files from git: merge base of REF to the working tree
  --baseline FILE           a report of an earlier build (--format json) to compare with
  --time-threshold T        time regression past T, e.g. "20%,5s" (default)
  --size-threshold S        size regression past S, e.g. "5%,1MB" (default)
  --fail-on-regression      exit 1 when the comparison finds a regression
  --out DIR                 also write the report's files there: report.json, report.md, a
                            self-contained report.html, and charts/*.svg and *.png
  --no-charts               with --out: skip the charts

Exit codes: 0 analysed, 1 analysed but incomplete, the build failed, or (with --fail-on-regression) a
regression, or (suggest --check) a suggestion; 2 bad usage or unreadable input.`;

const FORMATS: readonly OutputFormat[] = ['text', 'md', 'json'];

interface CliIo {
  stdin: NodeJS.ReadableStream;
  /** May return a promise: the CLI waits for it before writing more (a pipe that is read slowly). */
  stdout: (text: string) => unknown;
  stderr: (text: string) => void;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'verify') return runVerifyCli(argv.slice(1), io);
  let values: {
    format?: string;
    dockerfile?: string;
    context?: string;
    'changed-files'?: string;
    'git-base'?: string;
    baseline?: string;
    'time-threshold'?: string;
    'size-threshold'?: string;
    'fail-on-regression'?: boolean;
    out?: string;
    'no-charts'?: boolean;
    check?: boolean;
    help?: boolean;
    version?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        dockerfile: { type: 'string' },
        context: { type: 'string' },
        'changed-files': { type: 'string' },
        'git-base': { type: 'string' },
        baseline: { type: 'string' },
        'time-threshold': { type: 'string' },
        'size-threshold': { type: 'string' },
        'fail-on-regression': { type: 'boolean' },
        out: { type: 'string' },
        'no-charts': { type: 'boolean' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const [command, log, ...extra] = positionals;
  if (command === 'suggest') return runSuggest(log, extra, values, io);
  if (values.check) return usage(io, "'--check' is an option of 'suggest'");
  if (command !== 'analyze') return usage(io, command ? `unknown command '${command}'` : 'missing command');
  if (!log) return usage(io, "missing the log file (a path, or '-' for stdin)");
  if (extra.length) return usage(io, `unexpected argument '${extra[0]}'`);
  const format = (values.format ?? 'text') as OutputFormat;
  if (!FORMATS.includes(format)) return usage(io, `'--format' must be text, md or json but got '${values.format}'`);

  if (values.out) {
    const refused = await outRefused(values.out);
    if (refused) {
      io.stderr(`${TOOL_NAME}: ${refused}\n`);
      return 2;
    }
  }
  try {
    if (log !== '-') await access(log);
  } catch {
    io.stderr(`${TOOL_NAME}: cannot read '${log}': no such file or not readable\n`);
    return 2;
  }
  const input = log === '-' ? io.stdin : readLog(log);
  let result;
  try {
    result = await analyzeLog(input as AsyncIterable<string | Uint8Array>, {
      file: log === '-' ? null : log,
      dockerfile: values.dockerfile ?? null,
      format,
      context: values.context ?? null,
      changedFiles: values['changed-files'] ?? null,
      gitBase: values['git-base'] ?? null,
      baseline: values.baseline ?? null,
      timeThreshold: values['time-threshold'] ?? null,
      sizeThreshold: values['size-threshold'] ?? null,
    });
  } catch (err) {
    io.stderr(`${TOOL_NAME}: ${(err as Error).message}\n`);
    return 2;
  }
  if (result.report.steps.length === 0 && result.report.totals.stepSeconds === 0 && result.parsedVertices === 0) {
    io.stderr(`${TOOL_NAME}: no BuildKit progress found in '${log}' (empty, or not a plain/rawjson BuildKit log)\n`);
    return 2;
  }
  for (const chunk of result.output) await io.stdout(chunk);
  if (values.out) {
    try {
      const files = await writeReportFiles(result.report, values.out, { charts: !values['no-charts'] });
      for (const w of files.warnings) io.stderr(`${TOOL_NAME}: warning: ${w}\n`);
      io.stderr(`${TOOL_NAME}: wrote ${files.files.length} files to ${values.out} (open ${files.html})\n`);
    } catch (err) {
      io.stderr(`${TOOL_NAME}: cannot write to '${values.out}': ${(err as Error).message}\n`);
      return 2;
    }
  }
  for (const warning of result.notices) io.stderr(`${TOOL_NAME}: warning: ${warning}\n`);
  const r = result.report;
  if (r.failed || !r.complete) {
    io.stderr(`${TOOL_NAME}: incomplete report: ${r.incompleteReasons.join('; ')}\n`);
    return 1;
  }
  const regressions = r.comparison?.regressions ?? 0;
  if (regressions && values['fail-on-regression']) {
    io.stderr(`${TOOL_NAME}: ${regressions} regression(s) against the baseline\n`);
    return 1;
  }
  io.stderr(`${TOOL_NAME}: analysed ${r.totals.steps} steps, ${r.totals.counts.cached} cached\n`);
  return 0;
}

/** `suggest <Dockerfile>`: the rules without a log; exit 1 with --check when any fires. */
async function runSuggest(
  file: string | undefined,
  extra: string[],
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<number> {
  if (!file) return usage(io, 'missing the Dockerfile');
  const allowed = new Set(['format', 'context', 'check']);
  const other = Object.keys(values).find((k) => !allowed.has(k) && values[k] !== undefined);
  if (other) return usage(io, `'--${other}' is not an option of 'suggest'`);
  const format = (values.format ?? 'text') as OutputFormat;
  if (!FORMATS.includes(format)) return usage(io, `'--format' must be text, md or json but got '${values.format}'`);
  // Several Dockerfiles (as a pre-commit hook passes them): each in turn, with the context of its own folder.
  const files = [file, ...extra];
  if (files.length > 1 && values.context) return usage(io, "'--context' takes one Dockerfile");
  const results = [];
  for (const f of files) {
    try {
      results.push(await suggestFile(f, { context: (values.context as string | undefined) ?? null }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES'
          ? 'no such file or not readable'
          : (err as Error).message;
      io.stderr(`${TOOL_NAME}: cannot read '${f}': ${why}\n`);
      return 2;
    }
  }
  if (format === 'json') io.stdout(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  else for (const r of results) io.stdout(format === 'md' ? suggestionsMarkdown(r) : suggestionsText(r));
  for (const r of results) io.stderr(`${TOOL_NAME}: ${suggestSummary(r)}\n`);
  return values.check && results.some((r) => r.suggestions.length) ? 1 : 0;
}

/** What `--out` writes: a folder holding only these (an earlier report) may be written again. */
const REPORT_ENTRIES = new Set(['report.json', 'report.md', 'report.html', 'progress.log', 'charts']);

/** Why `--out DIR` is refused: a folder that exists and holds anything but an earlier report (`--out /`, `--out ~`). */
async function outRefused(dir: string): Promise<string | null> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return `'--out' names '${dir}', which is not a folder that can be written (${code ?? 'error'})`;
  }
  const other = entries.filter((e) => !REPORT_ENTRIES.has(e));
  return other.length
    ? `'--out' names '${dir}', which holds ${other.length} file(s) other than an earlier report: give a new or empty folder`
    : null;
}

function usage(io: CliIo, message: string): number {
  io.stderr(`${TOOL_NAME}: ${message} (see --help)\n`);
  return 2;
}
