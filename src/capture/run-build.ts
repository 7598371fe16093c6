import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { LineSplitter } from '../util/lines.js';
import type { Redactor } from '../model/redact.js';
import type { BuildCommand } from './args.js';
import { RawJsonEcho } from './echo-rawjson.js';
import { ProgressRedactor } from './redact-progress.js';

export interface RunBuildOpts {
  docker: string;
  command: BuildCommand;
  /** The raw progress is saved here (redacted), for the artifact and for analyze mode later. */
  progressFile: string;
  redactor: Redactor;
  /** Each progress line as it arrives (not redacted: the report made of it is), for the parser. */
  onProgress: (line: string) => void;
  /** Readable lines for the job log. */
  echo: (line: string) => void;
  cwd?: string;
  /** Stops the build (SIGTERM to the docker CLI, which cancels it): a time budget ran out. */
  signal?: AbortSignal;
}

export interface RunBuildResponse {
  exitCode: number;
  /** Wall time of the docker command. */
  seconds: number;
}

/**
 * Runs the build, teeing its progress (stderr) to the parser, a file and the job log. The exit
 * status is kept, never thrown: a failed build is still analysed.
 */
export function runBuild(opts: RunBuildOpts): Promise<RunBuildResponse> {
  const started = process.hrtime.bigint();
  const file = createWriteStream(opts.progressFile);
  const echo = opts.command.progress === 'rawjson' ? new RawJsonEcho(opts.echo) : null;
  const redacted = new ProgressRedactor(opts.redactor);
  const emit = (line: string) => {
    file.write(`${line}\n`);
    if (echo) echo.line(line);
    else opts.echo(line);
  };
  // The parser reads the progress as BuildKit printed it (a value that is also a stage name must not turn
  // step ids into `***#1`); the report is redacted as a whole once built.
  const progress = new LineSplitter((raw) => {
    opts.onProgress(raw);
    redacted.line(raw).forEach(emit);
  });
  const output = new LineSplitter((line) => opts.echo(opts.redactor.text(line)));

  return new Promise((resolve, reject) => {
    const child = spawn(opts.docker, opts.command.args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.command.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    child.stderr.on('data', (chunk: Buffer) => progress.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') return; // stopped on purpose: 'close' follows with the signal
      file.end();
      reject(
        new Error(
          `'docker' input names '${opts.docker}', which cannot be run (${err.code === 'ENOENT' ? 'not found' : err.message})`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      progress.end();
      redacted.end().forEach(emit);
      output.end();
      file.end(() => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        resolve({ exitCode: code ?? (signal ? 128 : 1), seconds });
      });
    });
  });
}
