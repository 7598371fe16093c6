// The per-build report: the product's contract. It is also the stored baseline, so fields
// are only ever added; a change that removes or renames one bumps SCHEMA_VERSION.

export const SCHEMA_VERSION = 1;

/** `source` is a FROM or image pull, never a miss. `unfinished` is a step the log never saw end. */
export type StepStatus = 'cached' | 'ran' | 'error' | 'canceled' | 'source' | 'unfinished';

export const STEP_STATUSES: readonly StepStatus[] = ['cached', 'ran', 'error', 'canceled', 'source', 'unfinished'];

export interface Step {
  /** Stable across builds: `<target>/<platform>/<stage>#<index>` with empty parts dropped (never the BuildKit number). */
  id: string;
  /** The vertex name as BuildKit printed it. */
  name: string;
  /** The key of the stage summary this step counts in. */
  stageKey: string;
  /** Label parts. */
  target: string | null;
  platform: string | null;
  stage: string | null;
  index: number | null;
  count: number | null;
  instruction: string | null;
  /** The instruction text without the label (`RUN npm ci`). */
  text: string;
  status: StepStatus;
  /** Wall time in seconds (null when unknown, e.g. cached steps or a step that never printed a time). */
  seconds: number | null;
  /**
   * True when `seconds` is only a lower bound: the step's end (or start) is not in the log, and the time is the
   * largest elapsed time its log lines carry (`#10 40.15 ...`), e.g. a step cut off by the end of a tail or one that
   * failed without a time. Shown as `≥ 40 s`.
   */
  secondsAtLeast?: boolean;
  /** Share of the build's step time, 0..1. */
  share: number | null;
  /** ms since epoch, when the log gives absolute times. */
  started: number | null;
  completed: number | null;
  /** Step ids of this step's inputs, when the log gives them (rawjson). */
  inputs: string[];
  /** Dockerfile line range (1-based, inclusive), when mapped. */
  lines: { start: number; end: number } | null;
  /** Layer size in bytes, when measured. */
  sizeBytes: number | null;
  /** Labels of other stages' steps that BuildKit ran as this one vertex (identical steps run once). */
  sharedWith: string[];
  /**
   * The bake/compose targets this one vertex served, when more than its label's (BuildKit runs a step that several
   * targets share once, under one target's label); absent otherwise. It counts in each of their target summaries.
   */
  targets?: string[];
  error: string | null;
  /** For a re-run step: a root cause of misses, or a cascade of the root causes named (ids). */
  miss?: { role: 'root' | 'cascade'; roots: string[] };
  /** Last lines of the step's own log (bounded). */
  logTail: string[];
  warnings: string[];
}

export interface StageSummary {
  /** Stage key: `<target>/<platform>/<stage>` with empty parts dropped; `(default)` for an unnamed single stage. */
  key: string;
  target: string | null;
  platform: string | null;
  stage: string | null;
  /** Steps seen in the log, and the count the labels declare (steps BuildKit never printed, such as `FROM <stage>`, are missing). */
  steps: number;
  declaredSteps: number | null;
  counts: Record<StepStatus, number>;
  /** cached / (cached + ran + error + canceled + unfinished): sources are not cache candidates. */
  cachedRatio: number | null;
  /** Sum of the stage's step times, image pulls included. */
  seconds: number;
  /** True when a step's time in the sum is only a lower bound (see Step.secondsAtLeast). */
  secondsAtLeast?: boolean;
  sizeBytes: number | null;
}

/** One bake/compose target (a service) of the build: its stages and their rollup. */
export interface TargetSummary {
  name: string;
  /** Keys of its stages, in first-seen order. */
  stages: string[];
  steps: number;
  counts: Record<StepStatus, number>;
  cachedRatio: number | null;
  /** Sum of its steps' times. */
  seconds: number;
  /** True when a step's time in the sum is only a lower bound (see Step.secondsAtLeast). */
  secondsAtLeast?: boolean;
  /** Of its steps, those BuildKit ran once for this target and others (listed under another target's label). */
  sharedSteps?: number;
  /** Bytes of its build context sent, when printed. */
  contextBytes: number | null;
}

export interface Totals {
  steps: number;
  counts: Record<StepStatus, number>;
  cachedRatio: number | null;
  /** Wall-clock span of the build where the log gives absolute times; null otherwise (plain logs without timestamps). */
  wallSeconds: number | null;
  /** Sum of all vertex times (steps, sources and internal work); stages run in parallel, so this can exceed wallSeconds. */
  stepSeconds: number;
  /** What a step's `share` divides by: the wall-clock span when known, else the sum of vertex times. */
  shareBasis: 'wall' | 'sum';
  /** Bytes of build context sent, from the context transfer status, when printed; the sum when the build sent several (compose, bake). */
  contextBytes: number | null;
}

export interface ReportProblem {
  line: number | null;
  message: string;
}

export type CauseKind =
  'content-changed' | 'instruction-changed' | 'build-arg-changed' | 'base-image-changed' | 'no-visible-change';

/** Why a step re-ran although everything it builds on was cached, and what that cost. */
export interface RootCause {
  stepId: string;
  kind: CauseKind;
  /** One sentence for people. */
  detail: string;
  /** `certain` when the evidence names the cause (changed files, changed lines), `likely` when inferred. */
  confidence: 'certain' | 'likely';
  /** content-changed: the changed files that the COPY/ADD takes (context-relative). */
  files: string[];
  /** build-arg-changed: the ARGs in scope. */
  args: string[];
  /** The steps that re-ran because of this one (ids, downstream). */
  cascade: string[];
  /** Time of the root step plus its cascade. */
  seconds: number;
  /** Every piece of evidence found, the strongest first (its kind is `kind`): a line moved and files changed both show. */
  evidence?: CauseEvidence[];
}

/** One piece of evidence for a root cause. */
export interface CauseEvidence {
  kind: CauseKind;
  confidence: 'certain' | 'likely';
  detail: string;
  files: string[];
  args: string[];
}

/** A change to the Dockerfile (or .dockerignore) that keeps the cache, with its edit and what it would save. */
export interface Suggestion {
  /** Rule id, e.g. `manifest-order`. */
  rule: string;
  title: string;
  /** The file the edit is for (the Dockerfile, or a new .dockerignore), as given. */
  file: string;
  /** Lines it concerns (1-based, inclusive). */
  lines: { start: number; end: number };
  /** Why, in one sentence. */
  why: string;
  /** The edit as a unified diff that applies cleanly to the file. */
  diff: string;
  /** `data`: the analysed build shows the cost; `static`: a rule of thumb without evidence in this build. */
  evidence: 'data' | 'static';
  /** Time the edit would have saved on the analysed build (the cascade it would have avoided), when known. */
  savedSeconds: number | null;
  /** Steps the edit keeps cached (ids). */
  protects: string[];
  /** From the baseline store's history: in how many of the branch's last builds a step it concerns re-ran. */
  history?: { builds: number; reran: number; branch?: string };
  /** What the edit is worth, per build that would re-run the protected work (rules below a threshold stay silent). */
  gain: SuggestionGain;
  /** How sure the rule is that a maintainer should take the edit: `high` with this build's data behind it. */
  confidence: 'high' | 'medium' | 'low';
  /** Other rules that wanted to edit the same lines: their edits are folded into this diff. */
  also?: { rule: string; title: string; why: string }[];
  /** The edit tried on this build's own context (`verify-suggestions` / `verify`), when it was. */
  verification?: Verification;
}

export interface SuggestionGain {
  /** `seconds` of re-run time kept cached, `bytes` kept out of the image, `layers` fewer, or `correctness`
   *  (stale package lists: no time or size to count). */
  kind: 'seconds' | 'bytes' | 'layers' | 'correctness';
  /** The amount (null for correctness). */
  value: number | null;
  /** `measured` in this build (the protected step's time or size), or `estimated` from the class of the work. */
  basis: 'measured' | 'estimated';
}

export type VerificationStatus = 'verified' | 'changes-image' | 'no-gain' | 'failed' | 'skipped';

export const VERIFICATION_STATUSES: readonly VerificationStatus[] = [
  'verified',
  'changes-image',
  'no-gain',
  'failed',
  'skipped',
];

/**
 * A suggestion's edit measured on real rebuilds: the PR's base tree built with the edit (so the
 * cache holds what the base would leave), then the PR's tree with the edit, compared with the real
 * build. `verified`: steps kept cached, time saved, image unchanged; `changes-image`: the final
 * image differs (not recommended); `no-gain`: nothing saved; `failed`/`skipped`: see `note`.
 */
export interface Verification {
  status: VerificationStatus;
  /** Seconds of the steps that re-ran in the real build. */
  baseRerunSeconds: number | null;
  /** Seconds of the steps that re-ran in the build of the PR's tree with the edit. */
  withEditRerunSeconds: number | null;
  /** baseRerunSeconds - withEditRerunSeconds. */
  secondsSaved: number | null;
  /** Steps (ids of the real build) that re-ran there and stayed cached with the edit. */
  stepsKeptCached: string[];
  /** How the final image with the edit differs from the one without (files, sizes, modes, owners, config). */
  imageDifferences: string[];
  /** Why it failed or was skipped, or what the measure rests on, for people. */
  note: string | null;
  /** Wall time this verification spent building and comparing. */
  costSeconds: number;
}

export interface CriticalPath {
  /** Sum of the path's step times: the least the build could take with this much parallelism. */
  seconds: number;
  steps: { id: string; seconds: number; share: number }[];
}

export interface Analysis {
  /** Where the step graph came from: rawjson inputs, the Dockerfile, or step order alone. */
  graph: 'rawjson' | 'dockerfile' | 'order';
  criticalPath: CriticalPath;
  rootCauses: RootCause[];
  /** Suggestions, data-backed first, then by time saved. */
  suggestions: Suggestion[];
  /** What was known of the change that set the misses off. */
  changes: { source: 'git' | 'list' | 'none'; files: number; dockerfileLines: boolean };
  /** The verification of the top suggestions, when it ran: its cost and what it noted. */
  verification?: { seconds: number; builds: number; notes: string[] };
}

export interface Thresholds {
  /** A step or stage is a time regression when it grew by more than this share AND by more than minSeconds. */
  timePercent: number;
  minSeconds: number;
  /** Size growth beyond this share AND beyond minBytes is a size regression. */
  sizePercent: number;
  minBytes: number;
}

export interface StepChange {
  id: string;
  /** The baseline's id, when the step was matched across an id change (a step inserted above it). */
  baselineId: string;
  text: string;
  status: { from: StepStatus; to: StepStatus };
  seconds: { from: number | null; to: number | null };
  sizeBytes: { from: number | null; to: number | null };
  /** Line moves are not changes; they are kept for display. */
  lines: { from: number | null; to: number | null };
  regressions: ('lost-cache' | 'slower' | 'bigger' | 'new-error')[];
}

export interface Comparison {
  /** `branch` (the base branch the store restored it from) and `runUrl` when known. */
  baseline: {
    generatedAt: string;
    file: string | null;
    commit: string | null;
    branch?: string | null;
    runUrl?: string | null;
  };
  thresholds: Thresholds;
  steps: StepChange[];
  added: string[];
  removed: { id: string; text: string }[];
  stages: {
    key: string;
    seconds: { from: number; to: number };
    sizeBytes: { from: number | null; to: number | null };
    regressions: ('slower' | 'bigger')[];
  }[];
  image: { sizeBytes: { from: number | null; to: number | null }; bigger: boolean };
  newErrors: string[];
  newWarnings: string[];
  /** Count of regressions of every kind; 0 means nothing got worse. */
  regressions: number;
}

/** How run mode ran the build (absent in analyze mode and the CLI). */
export interface RunInfo {
  cli: 'buildx' | 'docker build';
  /** The docker arguments, build-arg values and secrets redacted. */
  args: string[];
  exitCode: number;
  buildSeconds: number;
  /** The action's own time beyond the build: capture, sizes and analysis. */
  overheadSeconds: number | null;
  /** Where the raw progress was saved. */
  progressFile: string;
  /** The image built (id or digest), when known. */
  image: string | null;
}

/** The size of one stage's image. */
export interface StageSize {
  /** The report's stage key. */
  key: string;
  /** What the image of `--target <stage>` weighs: `docker image inspect`'s Size. */
  totalBytes: number;
  /** What the stage's own instructions add over its base (image or stage); null when not all could be mapped. */
  addedBytes: number | null;
  /** The image whose history gave the sizes: the final image, or a temporary stage build. */
  measuredFrom: 'image' | 'stage-build';
}

/** What image sizes were measured, and what was not, with why. */
export interface SizeReport {
  image: { ref: string; sizeBytes: number } | null;
  /** Stage keys whose size is known to the byte. */
  measured: string[];
  notMeasured: { stage: string; reason: string }[];
  stages: StageSize[];
  /** Report steps whose layer could not be tied to a history entry, with why (their sizeBytes stays null). */
  unmappedSteps: { id: string; reason: string }[];
  /** Things that went wrong without costing a measurement (a temporary tag that could not be removed). */
  warnings: string[];
}

/** Where a remote cache lives: BuildKit's cache backends (`inline` travels inside the image). */
export type CacheBackend = 'registry' | 'inline' | 'gha' | 's3' | 'azblob' | 'local' | 'unknown';

/** What a cache service error means, read from its text. */
export type CacheErrorKind =
  | 'throttled'
  | 'server-error'
  | 'legacy-service'
  | 'reserve-failed'
  | 'already-exists'
  | 'blob-not-found'
  | 'unauthorized'
  | 'not-found'
  | 'unreachable'
  | 'timeout'
  | 'docker-driver'
  | 'other';

/** One `importing cache manifest from <ref>` vertex. */
export interface CacheImport {
  /** As BuildKit printed it: a registry ref, or `gha:<hash>` / `local:<hash>` for backends keyed by attributes. */
  ref: string;
  backend: CacheBackend;
  /** The `cache-from` input it came from, when run mode knows the inputs (secrets never: attributes are dropped). */
  input: string | null;
  seconds: number | null;
  /** `ok`: the manifest was read; `error`: it was not (BuildKit carries on without it); `unfinished`: the log ended. */
  outcome: 'ok' | 'error' | 'unfinished';
  error: string | null;
  errorKind: CacheErrorKind | null;
  /** `inferred cache manifest type: ...`, when printed. */
  manifestType: string | null;
  /** `found N layers in cache`, when printed. */
  layersFound: number | null;
}

/** One cache export vertex (`exporting cache to registry`, `exporting to GitHub Actions Cache`, ...). */
export interface CacheExport {
  backend: CacheBackend;
  /** The registry ref or scope, when the inputs say (BuildKit does not print it). */
  ref: string | null;
  /** `min` / `max` from the `cache-to` input (inline is always min), else null. */
  mode: 'min' | 'max' | null;
  /** `ignore-error=true` in the `cache-to` input: a failed export does not fail the build. Null when unknown. */
  ignoreError: boolean | null;
  seconds: number | null;
  /** Of which `preparing build cache for export`, when printed with a time. */
  preparingSeconds: number | null;
  /** Layers written (`writing layer sha256:...`), and their bytes where printed. */
  layers: number;
  bytes: number | null;
  outcome: 'ok' | 'error' | 'skipped' | 'unfinished';
  error: string | null;
  errorKind: CacheErrorKind | null;
}

export type CacheDiagnosisKind =
  | 'import-served-nothing'
  | 'import-failed'
  | 'min-mode-stages-missed'
  | 'export-dominates'
  | 'export-failed'
  | 'docker-driver-export'
  | 'shared-scope'
  | 'pr-scoped-export'
  | 'cache-near-limit';

/** Something to know about the remote cache, with the lines that show it and the `cache-from`/`cache-to` fix. */
export interface CacheDiagnosis {
  kind: CacheDiagnosisKind;
  severity: 'error' | 'warning' | 'info';
  /** One or two sentences for people. */
  message: string;
  /** Log lines (or inputs) that show it, as printed. */
  evidence: string[];
  /** The fix, as `cache-from`/`cache-to` text or a sentence; null when there is none to give. */
  fix: string | null;
  /** For a failed export: whether `ignore-error=true` would have kept the build green (null when not applicable). */
  ignoreErrorKeepsGreen: boolean | null;
}

/** The repository's Actions cache use (`GET /repos/{owner}/{repo}/actions/cache/usage`), run mode with a token. */
export interface ActionsCacheUsage {
  activeBytes: number;
  activeCount: number;
  limitBytes: number;
  /** activeBytes / limitBytes. */
  share: number;
}

/** The build's remote cache: what was imported and exported, what it cost, what it served, and what went wrong. */
export interface RemoteCacheReport {
  imports: CacheImport[];
  exports: CacheExport[];
  /** Sums of the import and export vertices' times. */
  importSeconds: number;
  exportSeconds: number;
  /** The exports' share of the build (of the wall-clock span, else of the summed vertex time). */
  exportShare: number | null;
  /**
   * Steps the import served: with layers pulled under them (proof), or, when an import succeeded, every CACHED step
   * (true on a runner whose local cache was empty, as GitHub's are).
   */
  served: { steps: string[]; evidence: 'layers-pulled' | 'cached-after-import' | 'none' };
  diagnoses: CacheDiagnosis[];
  /** The repository's Actions cache use, when it was asked for. */
  usage: ActionsCacheUsage | null;
}

export interface BuildReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  generatedAt: string;
  /** `tail`: the log starts in the middle of the build (a cut or pasted tail): earlier steps are not in it. */
  source: { format: 'plain' | 'rawjson'; file: string | null; lines: number; tail?: boolean };
  /** The Dockerfile the steps were mapped onto (`--dockerfile`), and the steps it has no line for, with why. */
  dockerfile: { path: string; unmapped: { id: string; reason: string }[] } | null;
  builder: { name: string; driver: string } | null;
  /** False when the build failed, the log was cut, or lines could not be read; `incompleteReasons` says which. */
  complete: boolean;
  incompleteReasons: string[];
  /** The build itself failed (an ERROR ending or a failed step). */
  failed: boolean;
  steps: Step[];
  stages: StageSummary[];
  /** The bake/compose targets (services) the build served, each with its stages; empty for a single-target build. */
  targets?: TargetSummary[];
  totals: Totals;
  /** Re-run steps, slowest first (ids). */
  slowestRan: string[];
  errors: string[];
  warnings: { message: string; line: number | null; stepId: string | null }[];
  problems: ReportProblem[];
  run?: RunInfo;
  sizes?: SizeReport;
  analysis?: Analysis;
  comparison?: Comparison;
  /** Present when the build imported or exported a remote cache, or a cache diagnosis fired. */
  remoteCache?: RemoteCacheReport;
}
