import type { DockerCaps } from './detect.js';
import type { BuildInputs } from './inputs.js';

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
  progress: 'plain' | 'rawjson';
  /** Inputs this CLI cannot honour, with why (said to the user as warnings). */
  ignored: string[];
}

export interface BuildFiles {
  /** `--secret id=...,src=...` pairs already written to files. */
  secretArgs: string[];
  metadataFile: string | null;
}

/**
 * The argv of the build, pure: `docker buildx build` where buildx exists, else `docker build`
 * with BuildKit. Progress is rawjson where supported (exact times and inputs), plain otherwise.
 */
export function buildCommand(
  inputs: BuildInputs,
  caps: DockerCaps,
  files: BuildFiles,
  target = inputs.target,
): BuildCommand {
  const progress = caps.rawjson ? 'rawjson' : 'plain';
  const ignored: string[] = [];
  const args = caps.buildx ? ['buildx', 'build'] : ['build'];
  args.push(`--progress=${progress}`);
  if (inputs.file) args.push('--file', inputs.file);
  if (target) args.push('--target', target);
  for (const a of inputs['build-args']) args.push('--build-arg', a);
  for (const t of inputs.tags) args.push('--tag', t);
  for (const c of inputs['cache-from']) args.push('--cache-from', c);
  args.push(...files.secretArgs);
  if (caps.buildx) {
    if (inputs.platforms.length) args.push('--platform', inputs.platforms.join(','));
    for (const c of inputs['cache-to']) args.push('--cache-to', c);
    if (inputs.push) args.push('--push');
    if (inputs.load) args.push('--load');
    if (files.metadataFile && caps.metadataFile) args.push('--metadata-file', files.metadataFile);
  } else {
    // docker build (no buildx) always loads the image into the daemon.
    if (inputs.platforms.length === 1) args.push('--platform', inputs.platforms[0]);
    else if (inputs.platforms.length > 1)
      ignored.push(`'platforms' (${inputs.platforms.length} platforms need buildx)`);
    if (inputs['cache-to'].length) ignored.push("'cache-to' (needs buildx)");
    if (inputs.push) ignored.push("'push' (needs buildx; push the tags in a later step)");
  }
  args.push(...inputs['extra-args']);
  args.push(inputs.context || '.');
  return { args, env: caps.buildx ? {} : { DOCKER_BUILDKIT: '1' }, progress, ignored };
}

/** Flags of extra-args a side build (a stage measured, an edit verified) must not repeat: they push, export, or rebuild. */
const UNSAFE_FLAGS = new Set(['--push', '--no-cache', '--load']);
const UNSAFE_WITH_VALUE = new Set(['--output', '-o', '--cache-to', '--tag', '-t', '--metadata-file', '--iidfile']);

export function stageExtraArgs(extra: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < extra.length; i++) {
    const [flag] = extra[i].split('=');
    if (UNSAFE_FLAGS.has(flag)) continue;
    if (UNSAFE_WITH_VALUE.has(flag)) {
      if (!extra[i].includes('=')) i++;
      continue;
    }
    out.push(extra[i]);
  }
  return out;
}
