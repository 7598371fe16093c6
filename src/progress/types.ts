// The normalized build that every progress parser yields, whatever the input format.
// Wire formats (plain text, rawjson) are converted once into these types; nothing after
// the parsers sees raw log text or JSON.

import type { VertexRole } from './vertex-kind.js';

export type { VertexRole } from './vertex-kind.js';
export type ProgressFormat = 'plain' | 'rawjson';

/** What a vertex is, judged from its name. */
export type VertexKind =
  /** A Dockerfile step or a custom frontend's named step (`[stage 2/5] RUN ...`, `[nix] nix build`). */
  | 'step'
  /** Pulls and image sources: `[stage 1/5] FROM ...`, an unlabelled `FROM image` (COPY --from=image), `docker-image://...`. */
  | 'source'
  /** Bookkeeping: `[internal] ...`, `[auth] ...`, `resolve image config`, `exporting to image`, `importing to docker`, unnamed vertices. */
  | 'internal';

/** Final outcome of a vertex; resolved in BuildKit's order: error (canceled apart), cached, done. */
export type VertexOutcome = 'cached' | 'done' | 'error' | 'canceled' | 'unfinished';

/** The bracketed label of a vertex name, split into its parts. */
export interface VertexLabel {
  /** The text between the brackets, as printed (`stage-0  1/24`), or null without a label. */
  raw: string | null;
  /** bake/compose target prefix (`api` in `[api builder 2/5]`). */
  target: string | null;
  /** platform prefix (`linux/arm64`). */
  platform: string | null;
  /** stage name (`builder`, `stage-1`), or the custom frontend's tag (`nix`); null for unnamed single stages. */
  stage: string | null;
  /** step index within the stage (1-based), and the declared step count. */
  index: number | null;
  count: number | null;
  /** `internal` for `[internal]`/`[<prefix> internal]`, `auth` for `[auth]`. */
  special: 'internal' | 'auth' | null;
  /** First word of the text after the label, upper-cased when it is a Dockerfile instruction (`RUN`, `COPY`). */
  instruction: string | null;
  /** The name without its label. */
  text: string;
}

/** A time span in milliseconds since the epoch (rawjson, timestamped logs) or relative to the log's start. */
export interface Interval {
  start: number;
  end: number;
}

/** A progress status of a vertex (`transferring context: 88.68MB`, a layer pull). Only the last update of each id is kept. */
export interface VertexProgress {
  id: string;
  current: number | null;
  total: number | null;
  done: boolean;
  /** Seconds the status took, where printed (`writing layer sha256:... 1.2s done`) or timed (rawjson). */
  seconds: number | null;
}

export interface Vertex {
  /** Stable key within one log: the digest (rawjson, old plain `#N sha256:` lines) or `#N`. */
  key: string;
  /** `#N` number in plain logs; null in rawjson. */
  number: number | null;
  digest: string | null;
  name: string;
  label: VertexLabel;
  kind: VertexKind;
  /** What the vertex is in finer detail (cache import/export, export, push, provenance, ...): see vertex-kind.ts. */
  role: VertexRole;
  outcome: VertexOutcome;
  /** Inputs (vertex keys), known from rawjson only. */
  inputs: readonly string[];
  /** Run intervals, merged; empty when the format gives none (plain logs carry durations only). */
  intervals: Interval[];
  /** Wall time spent running, in seconds: union of intervals (rawjson) or the last printed `DONE Ns` (plain). */
  seconds: number | null;
  /** Plain: the largest elapsed time its log lines carry (`#10 40.15 ...`): a lower bound of its run time. */
  elapsedSeconds: number | null;
  /** Earliest start and latest end in ms, where the format gives absolute times. */
  started: number | null;
  completed: number | null;
  error: string | null;
  /** Last log lines (bounded), without `#N <secs>` prefixes. */
  logTail: string[];
  /** Total log lines seen, including those that fell out of the tail. */
  logLines: number;
  progress: VertexProgress[];
  /** Finished statuses of ids beyond the kept ones (a cache export writing hundreds of layers). */
  progressOmitted: number;
  warnings: string[];
  /** First-seen order, 0-based. */
  order: number;
}

export interface BuildWarning {
  message: string;
  /** Dockerfile line, when the warning names one (`(line 11)`). */
  line: number | null;
  vertexKey: string | null;
}

export interface BuildProblem {
  /** Line number in the input (1-based), when the problem is tied to one. */
  line: number | null;
  message: string;
}

export interface ParsedBuild {
  format: ProgressFormat;
  /** From `#0 building with "NAME" instance using DRIVER driver`. */
  builder: { name: string; driver: string } | null;
  vertices: Vertex[];
  warnings: BuildWarning[];
  /** The final `ERROR: ...` line(s) and error boxes' headers, in order. */
  errors: string[];
  /** Lines or records that could not be read; each makes the report incomplete. */
  problems: BuildProblem[];
  /** True when the log starts inside a vertex (a tail of a longer log). */
  truncated: boolean;
  /** First and last absolute times the input gives (rawjson, GitHub Actions timestamps), in ms. */
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** Input lines read. */
  lines: number;
}
