import { readFile } from 'node:fs/promises';
import { lastLine, runDocker } from './docker-cli.js';
import type { DockerCaps } from './detect.js';

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

export function metadataFrom(json: unknown): BuildMetadata {
  const obj = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  // Bake: { "<target>": { "buildx.build.ref": ... }, "buildx.build.warnings": [...] }
  const flat = pick(obj, 'buildx.build.ref')
    ? obj
    : ((Object.values(obj).find((v) => v && typeof v === 'object' && 'buildx.build.ref' in v) ?? obj) as Record<
        string,
        unknown
      >);
  return {
    ref: pick(flat, 'buildx.build.ref'),
    imageDigest: pick(flat, 'containerimage.digest'),
    configDigest: pick(flat, 'containerimage.config.digest'),
    imageName: pick(flat, 'image.name'),
  };
}

export async function readMetadata(path: string): Promise<BuildMetadata> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`'metadata-file' input names '${path}', which cannot be read`);
  }
  try {
    return metadataFrom(JSON.parse(text));
  } catch {
    throw new Error(`'metadata-file' '${path}' is not JSON`);
  }
}

/**
 * A past build's progress, read back from BuildKit's history as rawjson. The ref is the last
 * part of `buildx.build.ref` (`builder/node/ref`).
 */
export async function readBuildRecord(docker: string, caps: DockerCaps, ref: string): Promise<string> {
  if (!caps.historyLogs) {
    throw new Error(
      `reading build '${ref}' needs 'docker buildx history logs --progress rawjson' (buildx >= 0.23), which this runner does not have`,
    );
  }
  const id = ref.split('/').pop()!;
  const r = await runDocker(docker, ['buildx', 'history', 'logs', '--progress', 'rawjson', id], { timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`docker buildx history logs ${id} failed: ${lastLine(r.stderr)}`);
  return r.stdout + r.stderr;
}
