import { runCli } from './cli.js';

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
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
