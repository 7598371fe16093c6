import { once } from 'node:events';
import { runCli } from './cli.js';

// Output piped into a program that stops reading (`| head`): exit quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: async (text) => {
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  },
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`buildkit-cache-analytics: ${(err as Error).message}\n`);
    process.exitCode = 2;
  },
);
