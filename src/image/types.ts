// Types of the image-size measurement: what the docker CLI tells about an image, and what the
// measurement puts in the report. Wire fields (the CLI's JSON) are converted once, in docker-image.ts.
import type { Dockerfile } from '../dockerfile/parse.js';

/** One entry of an image's history (oldest first), as `docker history` gives it. */
export interface HistoryEntry {
  /**
   * The instruction as the builder recorded it (BuildKit 0.8: `RUN |1 K=v /bin/sh -c ... # buildkit`).
   * It can hold build-arg values in clear: it is read for matching and never copied into the report.
   */
  createdBy: string;
  /** Bytes of the layer the entry made (0 for an entry that made none). */
  sizeBytes: number;
  /**
   * True when the entry made no layer. Neither the CLI nor the Engine API returns the config's
   * `empty_layer` flag, so it is inferred from the instruction (see history-text.ts) and checked
   * against the image's layer count by the caller.
   */
  emptyLayer: boolean;
  comment: string;
}

export type ImageInspectResponse =
  | {
      available: true;
      id: string;
      /** `docker image inspect`'s Size: the sum of the image's layers, in bytes. */
      sizeBytes: number;
      /** RootFS diff ids, base first. */
      layers: string[];
      /** `os/arch[/variant]`. */
      platform: string;
    }
  | { available: false; reason: string };

export type ImageHistoryResponse = { available: true; entries: HistoryEntry[] } | { available: false; reason: string };

/** Reads images from the local image store: the engine's socket or the docker CLI, a fake in unit tests. */
export interface ImageReader {
  inspect(ref: string): Promise<ImageInspectResponse>;
  history(ref: string): Promise<ImageHistoryResponse>;
  /** Removes a tag; resolves with why it could not, or null. */
  remove(tag: string): Promise<string | null>;
}

export interface StageBuildResponse {
  /** The build exited 0. */
  ok: boolean;
  /** Its progress log (plain or rawjson), read to prove that nothing was rebuilt. */
  text: string;
}

/**
 * Builds one stage of the same build again, so its image can be inspected. The contract:
 * - the same inputs as the measured build (context, file, build-args, secrets, platform,
 *   cache-from) with `--target <stageName>`, tagged `tag` only, and loaded into the local image
 *   store (`docker build` does; buildx needs `--load`);
 * - nothing leaves the machine: no `--push`, no `--output` other than the local image store, no
 *   `--cache-to`, no `--no-cache`, and no tags of the user's;
 * - it resolves (never rejects) with the exit status and the whole progress log.
 * BuildKit 0.8 has no dry run, so "never rebuild" is checked after the fact: a stage is only
 * asked for when all its steps finished in the measured build, and a log showing any step that
 * ran (not CACHED) makes the stage unmeasured.
 */
export type BuildStage = (stageName: string, tag: string) => Promise<StageBuildResponse>;

export interface MeasureImageOpts {
  /** The docker CLI (a path or a name on PATH). */
  docker: string;
  /** The final image (tag or id); null when the build left none locally (push-only, failed). */
  image: string | null;
  dockerfile: Dockerfile;
  /** The stage the build targeted (`--target`); by default the last stage of the Dockerfile. */
  target?: string | null;
  /** Absent in analyze mode: intermediate stages are then reported as not measured. */
  buildStage?: BuildStage;
  /** Repository name of the temporary stage tags (a random tag is added); they are removed afterwards. */
  tagRepository?: string;
  /** Per docker call (inspect, history, rmi). */
  timeoutMs?: number;
  /**
   * How images are read; by default the engine's socket when it is proven to be the daemon that built `image`
   * (engine-images.ts), else the docker CLI at `docker`.
   */
  images?: ImageReader;
}

export type { SizeReport, StageSize } from '../model/report.js';
