import { execFile } from 'node:child_process';

export interface DockerResponse {
  status: number;
  stdout: string;
  stderr: string;
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
          reject(
            new Error(
              `'docker' input names '${docker}', which cannot be run (${code === 'ENOENT' ? 'not found' : 'not executable'})`,
            ),
          );
          return;
        }
        const status = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}
