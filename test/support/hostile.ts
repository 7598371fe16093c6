// What a hostile review throws at the action: rawjson logs whose step output is chosen record by record,
// and a search for a secret in every form a published text could carry it (base64, URL-encoded,
// HTML entities, workflow-command escapes).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rootDir } from './fixtures.js';

export const SCRIPTED_DOCKER = join(rootDir, 'test', 'support', 'scripted-docker', 'docker');

const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const T = (s: number): string => new Date(Date.UTC(2026, 10, 28, 4, 56, s)).toISOString();

export interface HostileLogOpts {
  /** The RUN step's output, one rawjson log record per item (a value can be cut between two). */
  output: string[];
  /** The RUN step's vertex name. */
  runName?: string;
  /** The RUN step fails (its error is the last output item). */
  fail?: boolean;
}

/** A small rawjson log (stage `deps`: FROM, then one RUN) whose RUN prints `output`. */
export function hostileRawjson(opts: HostileLogOpts): string {
  const from = { digest: D(1), name: '[deps 1/2] FROM docker.io/library/busybox:1' };
  const run = { digest: D(2), inputs: [D(1)], name: opts.runName ?? '[deps 2/2] RUN ./print.sh' };
  const lines: unknown[] = [
    { vertexes: [from, run] },
    { vertexes: [{ ...from, started: T(1), completed: T(2), cached: true }] },
    { vertexes: [{ ...run, started: T(2) }] },
    ...opts.output.map((data, i) => ({
      logs: [{ vertex: D(2), stream: 1, data: Buffer.from(data).toString('base64'), timestamp: T(3 + i) }],
    })),
    {
      vertexes: [
        {
          ...run,
          started: T(2),
          completed: T(4 + opts.output.length),
          ...(opts.fail
            ? { error: 'process "/bin/sh -c ./print.sh" did not complete successfully: exit code: 1' }
            : {}),
        },
      ],
    },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

const BASE64 = /[A-Za-z0-9+/]{8,}={0,2}/g;

/** The forms a text can hide a value in, decoded: itself, URL/command escapes, HTML entities, base64 runs. */
export function decodedForms(text: string): string[] {
  const forms = [text];
  forms.push(text.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  forms.push(
    text
      .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))),
  );
  const b64 = [...text.matchAll(BASE64)].map((m) => Buffer.from(m[0], 'base64').toString('utf8'));
  forms.push(b64.join('\n'));
  return forms;
}

/** Where each value shows in the texts (by name), in any decoded form: must be empty. */
export function leaks(texts: Record<string, string>, values: string[]): string[] {
  const found: string[] = [];
  for (const [name, text] of Object.entries(texts)) {
    const forms = decodedForms(text);
    for (const v of values) if (forms.some((f) => f.includes(v))) found.push(`${v} in ${name}`);
  }
  return found;
}

/** Every file under a folder, by path, as text. */
export function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    // Also as UTF-16 text (any byte order): the NULs beside each ASCII character taken out.
    if (statSync(path).isFile())
      out[path] = [
        readFileSync(path, 'latin1'),
        readFileSync(path, 'utf8'),
        readFileSync(path, 'latin1').replace(/\0/g, ''),
      ].join('\n');
  }
  return out;
}

/** The job log as the runner reads it: the action's stdout, minus the `::add-mask::` lines it consumes. */
export function jobLog(stdout: string): string {
  return stdout
    .split(/\r\n|\r|\n/)
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

/**
 * The workflow commands the runner would act on: it splits lines at CR and LF, reads `::cmd ...::` at a
 * line's start and `##[cmd]` anywhere, and ignores everything between `::stop-commands::T` and `::T::`.
 */
export function commandsRun(stdout: string): string[] {
  const commands: string[] = [];
  let stopped: string | null = null;
  for (const raw of stdout.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (stopped !== null) {
      if (line === `::${stopped}::`) stopped = null;
      continue;
    }
    const m = /^::([A-Za-z-]+)[ :]/.exec(line);
    if (m) {
      commands.push(line);
      if (m[1] === 'stop-commands') stopped = line.slice('::stop-commands::'.length);
    }
    if (line.includes('##[')) commands.push(line.slice(line.indexOf('##[')));
  }
  return commands;
}
