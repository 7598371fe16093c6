import { execFile } from 'node:child_process';

export interface DockerResponse {
  status: number;
  stdout: string;
  stderr: string;
  /** The command ran past its deadline and was killed. */
  timedOut: boolean;
}

/** Last non-empty line of a command's stderr: what to tell the user when it fails. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/**
 * The one runner of short docker CLI commands (detection, build records, image sizes): no shell
 * (refs are arguments, never interpolated into a command line), a deadline, output in memory.
 * Runs the docker CLI without a shell and never throws for a non-zero exit; throws only when
 * the program cannot be started at all, with a message that names the `docker` input.
 */
export function runDocker(
  docker: string,
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<DockerResponse> {
  return new Promise((resolve, reject) => {
    execFile(
      docker,
      args,
      { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20, env: opts.env ?? process.env, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT' || code === 'EACCES') {
          const error = new Error(
            `'docker' input names '${docker}', which cannot be run (${code === 'ENOENT' ? 'not found' : 'not executable'})`,
          );
          reject(Object.assign(error, { code }));
          return;
        }
        const status = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ status, stdout, stderr, timedOut: Boolean((err as { killed?: boolean } | null)?.killed) });
      },
    );
  });
}
