// Measures what the built image costs, per stage and per layer, and writes it into the report.
// The final image is read as it is; an intermediate stage the target builds on is read from a
// temporary build of `--target <stage>` that must come entirely from the build cache. Whatever
// cannot be read exactly goes to `notMeasured` with the reason: a size is never estimated.
import type { BuildReport } from '../model/report.js';
import type { DockerfileStage } from '../dockerfile/parse.js';
import { SizeCollector } from './apply-sizes.js';
import { chooseImageReader } from './engine-images.js';
import { mapLayers, stageChain, type LayerMap } from './map-layers.js';
import { planMeasure, type MeasurePlan } from './plan.js';
import { temporaryTag, withStageImage } from './stage-build.js';
import type { ImageReader, MeasureImageOpts, SizeReport } from './types.js';

export type { MeasureImageOpts, SizeReport } from './types.js';

type Opts = MeasureImageOpts & { images: ImageReader };

interface ImageRead {
  map: LayerMap;
  sizeBytes: number;
  /** Cross-checks that failed, said when the read is applied (in a fixed order, whatever finished first). */
  warnings: string[];
}

/** Reads one image and maps its history onto the stage it was built for; a string says why not. */
async function readImage(opts: Opts, ref: string, stage: DockerfileStage): Promise<ImageRead | string> {
  // Two independent docker calls, asked at once (each costs tens of milliseconds).
  const [inspect, history] = await Promise.all([opts.images.inspect(ref), opts.images.history(ref)]);
  if (!inspect.available) return inspect.reason;
  if (!history.available) return history.reason;
  const map = mapLayers(history.entries, opts.dockerfile, stage);
  // Cross-checks of what the CLI said; a disagreement is worth saying, not worth a lost size.
  const warnings: string[] = [];
  if (map.totalBytes !== inspect.sizeBytes) {
    warnings.push(`image ${ref}: its history adds up to ${map.totalBytes} bytes, inspect says ${inspect.sizeBytes}`);
  }
  const layers = history.entries.filter((e) => !e.emptyLayer).length;
  if (layers !== inspect.layers.length) {
    warnings.push(`image ${ref}: ${layers} history entries look like layers, the image has ${inspect.layers.length}`);
  }
  return { map, sizeBytes: inspect.sizeBytes, warnings };
}

async function measureFinal(opts: Opts, plan: MeasurePlan, report: BuildReport, sizes: SizeCollector) {
  const { target } = plan;
  if (!target) {
    sizes.warn(`the target '${opts.target}' is no stage of the Dockerfile: no stage of the image measured`);
    return;
  }
  if (!opts.image) {
    return sizes.skip(target, 'no local image: the build left none (push-only, several platforms without load)');
  }
  // A tag can still name an older image when this build failed: that image is not this build's.
  if (report.failed || plan.unfinished.has(target)) {
    return sizes.skip(target, `the build did not finish, so ${opts.image} is not its image`);
  }
  const read = await readImage(opts, opts.image, target);
  if (typeof read === 'string') return sizes.skip(target, read);
  for (const w of read.warnings) sizes.warn(w);
  sizes.image = { ref: opts.image, sizeBytes: read.sizeBytes };
  if (plan.problem) return sizes.skip(target, plan.problem);
  sizes.apply(read.map, 'image');
}

/** What reading a stage's own image gave: applied to the sizes in a fixed order. */
type StageRead = { skip: string } | { cleanup: string | null; result: ImageRead | string };

/** Builds one intermediate stage under a temporary tag and reads its image (docker work only). */
async function readStage(opts: Opts, plan: MeasurePlan, stage: DockerfileStage): Promise<StageRead> {
  if (plan.problem) return { skip: plan.problem };
  const unfinished = plan.unfinished.get(stage);
  if (unfinished) return { skip: `${unfinished}; building it again would rebuild` };
  if (!opts.buildStage) return { skip: 'intermediate stages are measured only when the action runs the build' };
  // BuildKit 0.8 answers `--target stage-1` with "target stage stage-1 could not be found".
  if (stage.name === null) return { skip: 'an unnamed stage cannot be built on its own (--target needs a name)' };
  const name = stage.name;
  const tag = temporaryTag(name, opts.tagRepository);
  const { result, cleanup } = await withStageImage(
    { images: opts.images, buildStage: opts.buildStage, dockerfile: opts.dockerfile, stage: name, tag },
    (t) => readImage(opts, t, stage),
  );
  return { cleanup, result: result.ok ? result.value : result.reason };
}

function applyStage(sizes: SizeCollector, stage: DockerfileStage, read: StageRead): void {
  if ('skip' in read) return sizes.skip(stage, read.skip);
  // The image's own warnings, then its temporary tag's (in the order they happened).
  if (typeof read.result !== 'string') for (const w of read.result.warnings) sizes.warn(w);
  if (read.cleanup) sizes.warn(read.cleanup);
  if (typeof read.result === 'string') return sizes.skip(stage, read.result);
  sizes.apply(read.result.map, 'stage-build');
  if (!sizes.isMeasured(stage)) sizes.skip(stage, 'its history does not match the Dockerfile');
}

/**
 * Fills `step.sizeBytes` and `stage.sizeBytes` in the report from the images' histories, and
 * says what was measured and what was not. Never throws for a missing image or a failed docker
 * call; `buildStage` is called only for stages whose steps all finished in this build.
 */
export async function measureImage(report: BuildReport, options: MeasureImageOpts): Promise<SizeReport> {
  const images = options.images ?? (await chooseImageReader(options.docker, options.image, options.timeoutMs)).images;
  const opts: Opts = { ...options, images };
  const { dockerfile } = opts;
  const plan = planMeasure(report, dockerfile, opts.target);
  const sizes = new SizeCollector(report, dockerfile, plan.keyOf);
  const targetChain = plan.target ? stageChain(dockerfile, plan.target) : [];
  // Latest first: a stage's image also measures the stages it is built FROM.
  const intermediate = [...plan.built]
    .filter((s) => s !== plan.target && (!plan.target || s.position < plan.target.position))
    .sort((a, b) => b.position - a.position);
  // The latest stage outside the target's chain always needs a build of its own (the final image cannot measure
  // it): that build runs while the final image is read, both being waits on docker. Applied after it, in order.
  const first = intermediate.find((s) => !targetChain.includes(s));
  const early = first ? readStage(opts, plan, first) : null;
  early?.catch(() => {}); // awaited below; handled should the final read throw first
  await measureFinal(opts, plan, report, sizes);
  for (const stage of intermediate) {
    if (stage === first && early) applyStage(sizes, stage, await early);
    else if (!sizes.isMeasured(stage)) applyStage(sizes, stage, await readStage(opts, plan, stage));
  }
  for (const stage of dockerfile.stages) {
    if (targetChain.includes(stage) && !sizes.isMeasured(stage)) {
      sizes.skip(stage, 'the target image could not be split at this stage');
    }
    if (!plan.built.has(stage)) sizes.skip(stage, 'not built in this build: the target does not use it');
  }
  return sizes.result();
}
