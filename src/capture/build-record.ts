import { readFile } from 'node:fs/promises';
import { lastLine, runDocker } from './docker-cli.js';

/** What analyze mode needs from a `--metadata-file` (buildx keys; bake nests them per target). */
export interface BuildMetadata {
  ref: string | null;
  imageDigest: string | null;
  configDigest: string | null;
  imageName: string | null;
}

function pick(obj: Record<string, unknown>, key: string): string | null {
  const v = obj[key];
  return typeof v === 'string' && v ? v : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The build's keys from a metadata file: buildx writes them at the top; bake nests them per target
 * (`{ "<target>": { "buildx.build.ref": ... }, "buildx.build.warnings": [...] }`), so a bake file
 * with several targets needs the target named.
 */
export function metadataFrom(json: unknown, target = ''): BuildMetadata {
  const obj = isRecord(json) ? json : {};
  let flat: Record<string, unknown> = obj;
  if (!pick(obj, 'buildx.build.ref')) {
    const targets = Object.entries(obj).filter(
      (e): e is [string, Record<string, unknown>] => isRecord(e[1]) && 'buildx.build.ref' in e[1],
    );
    const chosen = target ? targets.find(([name]) => name === target) : targets.length === 1 ? targets[0] : undefined;
    if (!chosen && targets.length > (target ? 0 : 1)) {
      const names = targets.map(([name]) => name).join(', ');
      throw new Error(
        target
          ? `the bake metadata has no target '${target}' (it has ${names})`
          : `the bake metadata holds ${targets.length} targets (${names}): set the 'target' input to pick one`,
      );
    }
    if (chosen) flat = chosen[1];
  }
  return {
    ref: pick(flat, 'buildx.build.ref'),
    imageDigest: pick(flat, 'containerimage.digest'),
    configDigest: pick(flat, 'containerimage.config.digest'),
    imageName: pick(flat, 'image.name'),
  };
}

export async function readMetadata(path: string, target = ''): Promise<BuildMetadata> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`'metadata-file' input names '${path}', which cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`'metadata-file' '${path}' is not JSON`);
  }
  try {
    return metadataFrom(json, target);
  } catch (err) {
    throw new Error(`'metadata-file' '${path}': ${(err as Error).message}`);
  }
}

/**
 * A past build's progress, read back from BuildKit's history as rawjson. The ref is the last
 * part of `buildx.build.ref` (`builder/node/ref`).
 */
export async function readBuildRecord(docker: string, ref: string): Promise<string> {
  // `docker buildx history logs --progress rawjson` (buildx >= 0.23): its help names the rawjson mode.
  const help = await runDocker(docker, ['buildx', 'history', 'logs', '--help'], { timeoutMs: 30_000 });
  if (help.status !== 0 || !help.stdout.includes('rawjson')) {
    throw new Error(
      `reading build '${ref}' needs 'docker buildx history logs --progress rawjson' (buildx >= 0.23), which this runner does not have`,
    );
  }
  const id = ref.split('/').pop()!;
  const r = await runDocker(docker, ['buildx', 'history', 'logs', '--progress', 'rawjson', id], { timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`docker buildx history logs ${id} failed: ${lastLine(r.stderr)}`);
  return r.stdout + r.stderr;
}
