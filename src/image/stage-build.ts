// Gets the image of an intermediate stage without rebuilding anything: the caller's build of
// `--target <stage>` under a temporary tag, whose progress log must show every step CACHED.
// The temporary tag is removed whatever happens, so no image the user did not ask for is left.
import { randomBytes } from 'node:crypto';
import type { Dockerfile } from '../dockerfile/parse.js';
import { parseText } from '../progress/index.js';
import { stepStatus } from '../progress/step-status.js';
import type { BuildStage, ImageReader, StageBuildResponse } from './types.js';

export const DEFAULT_TAG_REPOSITORY = 'buildkit-cache-analytics-stage';

/** A tag no one else uses: `<repository>:<stage>-<random>`. */
export function temporaryTag(stage: string, repository = DEFAULT_TAG_REPOSITORY): string {
  const name = stage.replace(/[^\w.-]/g, '-').slice(0, 100);
  return `${repository}:${name}-${randomBytes(4).toString('hex')}`;
}

/** Why the stage build's log does not prove an all-cached build, or null when it does. */
export function notAllCached(text: string): string | null {
  const parsed = parseText(text);
  const rebuilt = parsed.vertices.filter((v) => v.kind !== 'internal' && !['cached', 'source'].includes(stepStatus(v)));
  if (rebuilt.length) return `would rebuild: ${rebuilt.length} step(s) not in the build cache`;
  if (!parsed.vertices.length) return 'the stage build printed no BuildKit progress: nothing proves it was all cached';
  return null;
}

export interface StageImageOpts {
  images: ImageReader;
  buildStage: BuildStage;
  dockerfile: Dockerfile;
  stage: string;
  tag: string;
}

export interface StageImageResponse<T> {
  /** What `use` returned, or why the stage image could not be used. */
  result: { ok: true; value: T } | { ok: false; reason: string };
  /** Why the temporary tag could not be removed, or null. */
  cleanup: string | null;
}

/** Builds the stage under `tag`, hands the tag to `use` when the build was all cached, then removes the tag. */
export async function withStageImage<T>(
  opts: StageImageOpts,
  use: (tag: string) => Promise<T>,
): Promise<StageImageResponse<T>> {
  let built: StageBuildResponse;
  try {
    built = await opts.buildStage(opts.stage, opts.tag);
  } catch (err) {
    // The contract says resolve, but a caller's bug must not cost the rest of the report.
    const result = { ok: false as const, reason: `the stage build could not run: ${(err as Error).message}` };
    return { result, cleanup: await removeTag(opts, false) };
  }
  const why = notAllCached(built.text) ?? (built.ok ? null : 'the stage build failed');
  const result: StageImageResponse<T>['result'] = why
    ? { ok: false, reason: why }
    : { ok: true, value: await use(opts.tag) };
  return { result, cleanup: await removeTag(opts, built.ok) };
}

async function removeTag(opts: StageImageOpts, tagged: boolean): Promise<string | null> {
  const why = await opts.images.remove(opts.tag);
  // A build that failed may have tagged nothing: "No such image" is then not worth a warning.
  if (!why || (!tagged && /no such image/i.test(why))) return null;
  return `temporary tag ${opts.tag} could not be removed: ${why}`;
}
