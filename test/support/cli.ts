import { Readable } from 'node:stream';
import { runCli } from '../../src/cli.js';

/** The CLI run in this process, with empty standard input: its exit code and what it printed. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdin: Readable.from(['']),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}
