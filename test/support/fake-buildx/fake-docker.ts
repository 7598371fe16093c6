// See ./docker. Implements: buildx version, buildx build (--help too), buildx history logs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { buildRawjson } from '../record-rawjson.js';
import { DOCKER } from '../docker.js';

const HISTORY = join(tmpdir(), 'bca-fake-buildx-history');
const HELP = `Usage:  docker buildx build [OPTIONS] PATH | URL | -

Options:
      --build-arg stringArray     Set build-time variables
      --iidfile string            Write the image ID to a file
      --load                      Shorthand for "--output=type=docker"
      --metadata-file string      Write build result metadata to a file
      --progress string           Set type of progress output ("auto", "plain", "tty", "rawjson"). Use plain to show container output (default "auto")
`;

function passThrough(args: string[]): never {
  const r = spawnSync(DOCKER, args, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

async function build(args: string[]): Promise<number> {
  const opts: Record<string, string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const [key, value] =
      eq > 0
        ? [a.slice(2, eq), a.slice(eq + 1)]
        : [a.slice(2), ['load', 'push'].includes(a.slice(2)) ? 'true' : args[++i]];
    (opts[key] ??= []).push(value);
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const context = resolve(positional[0] ?? '.');
  const file = opts.file?.[0] ? resolve(opts.file[0]) : join(context, 'Dockerfile');
  const dockerfile = relative(context, file);
  if (dockerfile.startsWith('..') || isAbsolute(dockerfile)) {
    process.stderr.write('ERROR: fake buildx: the Dockerfile must be inside the context\n');
    return 1;
  }
  const buildArgs = Object.fromEntries(
    (opts['build-arg'] ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const r = await buildRawjson({
    context,
    dockerfile,
    tag: opts.tag?.[0] ?? 'bca-fake-buildx:untagged',
    buildArgs,
    target: opts.target?.[0],
  });
  const progress = opts.progress?.[0] === 'rawjson';
  if (progress) process.stderr.write(r.rawjson + '\n');
  const ref = `default/default/fake${Date.now().toString(36)}`;
  mkdirSync(HISTORY, { recursive: true });
  writeFileSync(join(HISTORY, ref.split('/').pop()!), r.rawjson + '\n');
  if (opts['metadata-file']) {
    writeFileSync(
      opts['metadata-file'][0],
      JSON.stringify({ 'buildx.build.ref': ref, 'containerimage.config.digest': r.imageId }),
    );
  }
  if (opts.iidfile && r.imageId) writeFileSync(opts.iidfile[0], r.imageId);
  if (!r.exitOk) {
    process.stderr.write(`ERROR: failed to solve: ${r.error}\n`);
    return 1;
  }
  return 0;
}

async function main(args: string[]): Promise<number> {
  if (args[0] !== 'buildx') passThrough(args);
  const [, sub, ...rest] = args;
  if (sub === 'version') {
    process.stdout.write('github.com/docker/buildx v0.30.0-fake 0000000\n');
    return 0;
  }
  if (sub === 'build') return build(rest);
  if (sub === 'history' && rest[0] === 'logs') {
    if (rest.includes('--help')) {
      process.stdout.write(
        'Usage:  docker buildx history logs [OPTIONS] [REF]\n      --progress string   Set type of progress output (plain, rawjson, tty) (default "plain")\n',
      );
      return 0;
    }
    const ref = rest[rest.length - 1];
    try {
      process.stdout.write(readFileSync(join(HISTORY, ref), 'utf8'));
      return 0;
    } catch {
      process.stderr.write(`ERROR: ref ${ref} not found\n`);
      return 1;
    }
  }
  process.stderr.write(`fake buildx: unsupported: ${args.join(' ')}\n`);
  return 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
