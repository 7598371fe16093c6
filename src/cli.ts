import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyzeLog, type OutputFormat } from './analyze.js';
import { TOOL_NAME, VERSION } from './version.js';

const USAGE = `Usage: ${TOOL_NAME} analyze <log|-> [--format text|md|json] [--dockerfile PATH]

Reads a BuildKit progress log (plain or rawjson; '-' for stdin) and prints the cache analysis.
Exit codes: 0 analysed, 1 analysed but incomplete or the build failed, 2 bad usage or unreadable input.`;

const FORMATS: readonly OutputFormat[] = ['text', 'md', 'json'];

interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let values: { format?: string; dockerfile?: string; help?: boolean; version?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        dockerfile: { type: 'string' },
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
  if (command !== 'analyze') return usage(io, command ? `unknown command '${command}'` : 'missing command');
  if (!log) return usage(io, "missing the log file (a path, or '-' for stdin)");
  if (extra.length) return usage(io, `unexpected argument '${extra[0]}'`);
  const format = (values.format ?? 'text') as OutputFormat;
  if (!FORMATS.includes(format)) return usage(io, `'--format' must be text, md or json but got '${values.format}'`);

  try {
    if (log !== '-') await access(log);
  } catch {
    io.stderr(`${TOOL_NAME}: cannot read '${log}': no such file or not readable\n`);
    return 2;
  }
  const input = log === '-' ? io.stdin : createReadStream(log, { highWaterMark: 1 << 20 });
  let result;
  try {
    result = await analyzeLog(input as AsyncIterable<string | Uint8Array>, {
      file: log === '-' ? null : log,
      dockerfile: values.dockerfile ?? null,
      format,
    });
  } catch (err) {
    io.stderr(`${TOOL_NAME}: ${(err as Error).message}\n`);
    return 2;
  }
  if (result.report.steps.length === 0 && result.report.totals.stepSeconds === 0 && result.parsedVertices === 0) {
    io.stderr(`${TOOL_NAME}: no BuildKit progress found in '${log}' (empty, or not a plain/rawjson BuildKit log)\n`);
    return 2;
  }
  io.stdout(result.output);
  for (const warning of result.notices) io.stderr(`${TOOL_NAME}: warning: ${warning}\n`);
  const r = result.report;
  if (r.failed || !r.complete) {
    io.stderr(`${TOOL_NAME}: incomplete report: ${r.incompleteReasons.join('; ')}\n`);
    return 1;
  }
  io.stderr(`${TOOL_NAME}: analysed ${r.totals.steps} steps, ${r.totals.counts.cached} cached\n`);
  return 0;
}

function usage(io: CliIo, message: string): number {
  io.stderr(`${TOOL_NAME}: ${message} (see --help)\n`);
  return 2;
}
