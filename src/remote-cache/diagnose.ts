// Why a remote cache did not help, or hurt: each diagnosis with the log lines that show it and the fix as
// `cache-from` / `cache-to` text. Pure: the report's steps and cache vertices in, diagnoses out.
import type { CacheDiagnosis, CacheExport, CacheImport, StageSummary, Step } from '../model/report.js';
import { ERROR_MEANING, cacheErrorKind, isDockerDriverExportError } from './errors.js';
import type { CacheInputs } from './spec.js';

/** An export costs too much when it takes this share of the build and at least this long. */
export const EXPORT_SHARE_WARN = 0.25;
export const EXPORT_SECONDS_WARN = 20;
/** The repository's Actions cache is near its limit past this share (entries start being evicted at the limit). */
export const USAGE_WARN = 0.8;

export interface DiagnoseOpts {
  steps: Step[];
  stages: StageSummary[];
  imports: CacheImport[];
  exports: CacheExport[];
  /** Seconds the shares divide by (wall clock, else summed vertex time). */
  basisSeconds: number;
  exportShare: number | null;
  /** The build's final errors (`ERROR: ...` lines), and whether it failed. */
  errors: string[];
  failed: boolean;
  inputs: CacheInputs | null;
}

function importLine(i: CacheImport): string {
  return `importing cache manifest from ${i.ref}`;
}

function exportName(e: CacheExport): string {
  return e.backend === 'gha' ? 'exporting to GitHub Actions Cache' : `exporting cache (${e.backend})`;
}

/** The cache-to text that writes what `imp` reads, all stages included. */
function writeFix(imp: CacheImport, inputs: CacheInputs | null): string {
  const spec = inputs?.from.find((s) => s.text === imp.input) ?? null;
  if (imp.backend === 'gha') {
    const scope = spec?.scope ?? 'buildkit';
    return `cache-from: type=gha,scope=${scope}\ncache-to: type=gha,scope=${scope},mode=max  # on pushes to the default branch, which every branch and pull request can read`;
  }
  if (imp.backend === 'registry' || imp.backend === 'inline') {
    return `cache-from: type=registry,ref=${imp.ref}\ncache-to: type=registry,ref=${imp.ref},mode=max  # or build the image pushed as ${imp.ref} with build-args BUILDKIT_INLINE_CACHE=1 (final stage only)`;
  }
  return `cache-to: type=${imp.backend},mode=max  # with the same attributes as cache-from`;
}

function slowestOf(steps: Step[]): Step {
  return steps.reduce((best, s) => ((s.seconds ?? 0) > (best.seconds ?? 0) ? s : best), steps[0]);
}

function cacheableSteps(steps: Step[]): Step[] {
  return steps.filter((s) => s.status !== 'source');
}

function importDiagnoses(o: DiagnoseOpts): CacheDiagnosis[] {
  const out: CacheDiagnosis[] = [];
  for (const imp of o.imports) {
    if (imp.outcome !== 'error') continue;
    const kind = imp.errorKind ?? 'other';
    const fix =
      kind === 'not-found'
        ? `Check the ref: nothing is stored as ${imp.ref} (a first build, or a typo). Write it with\n${writeFix(imp, o.inputs)}`
        : kind === 'unauthorized'
          ? 'Log in to the registry before the build (docker/login-action) with a token that may read it.'
          : kind === 'unreachable'
            ? `Check that the registry in ${imp.ref} is up and reachable from the runner.`
            : kind === 'legacy-service'
              ? 'Use BuildKit 0.20 or later (docker/setup-buildx-action@v3 with its default, recent BuildKit): it talks to the new cache service.'
              : null;
    out.push({
      kind: 'import-failed',
      severity: 'warning',
      message: `The cache import from ${imp.ref} failed: ${ERROR_MEANING[kind]}. BuildKit carried on without it, so every step had to run or come from the local cache; the build did not fail because of it.`,
      evidence: [importLine(imp), `ERROR: ${imp.error}`],
      fix,
      ignoreErrorKeepsGreen: null,
    });
  }
  return out;
}

function servedNothing(o: DiagnoseOpts): CacheDiagnosis[] {
  const ok = o.imports.filter((i) => i.outcome === 'ok');
  const cacheable = cacheableSteps(o.steps);
  if (!ok.length || !cacheable.length || cacheable.some((s) => s.status === 'cached')) return [];
  const ran = cacheable.filter((s) => s.status === 'ran');
  if (!ran.length) return [];
  const slowest = slowestOf(ran);
  return ok.map((imp): CacheDiagnosis => {
    let why: string;
    if (imp.backend === 'gha') {
      const scope = o.inputs?.from.find((s) => s.text === imp.input)?.scope;
      const named = `the scope${scope ? ` '${scope}'` : ''}`;
      const ref = o.inputs?.gitRef ?? null;
      why = ref?.startsWith('refs/pull/')
        ? `${named} held nothing this pull request may read (its own ${ref} entries and its base branch's): the base branch never wrote this scope, or its entry was evicted (the repository's 10 GB limit, or 7 days unused); what other pull requests wrote is not readable here`
        : ref
          ? `${named} held nothing ${ref} may read: it was never written under this scope from ${ref} or the default branch, it was evicted (the repository's 10 GB limit, or 7 days unused), or it was written from a pull request (refs/pull/N/merge), which no other ref can read`
          : `${named} held nothing this run may read: it was never written under this scope, it was evicted (the repository's 10 GB limit, or 7 days unused), or it was written from a pull request (refs/pull/N/merge), which other branches cannot read`;
    } else if (imp.layersFound === 0) {
      why = 'the cache manifest lists no layers';
    } else {
      why = `the image at ${imp.ref} carries no cache for these steps: it was pushed without cache metadata (no BUILDKIT_INLINE_CACHE=1 and no cache-to), or from another Dockerfile, base image or build args`;
    }
    return {
      kind: 'import-served-nothing',
      severity: 'warning',
      message: `The cache import from ${imp.ref} succeeded but served no step: ${why}. All ${ran.length} cacheable steps ran.`,
      evidence: [`${importLine(imp)}  DONE ${imp.seconds ?? 0}s`, `${slowest.name}  (ran, ${slowest.seconds ?? '?'}s)`],
      fix: writeFix(imp, o.inputs),
      ignoreErrorKeepsGreen: null,
    };
  });
}

/** The mode=min signature: the final stage's steps hit while whole earlier stages re-ran. */
function minModeStages(o: DiagnoseOpts): CacheDiagnosis[] {
  const imp = o.imports.find((i) => i.outcome === 'ok');
  if (!imp || o.stages.length < 2) return [];
  const writer = o.inputs?.to.find((s) => s.type === imp.backend && (s.ref === imp.ref || s.type === 'gha'));
  if (writer?.mode === 'max') return [];
  const last = o.steps.filter((s) => s.status !== 'source').at(-1);
  if (!last) return [];
  const finalStage = last.stageKey;
  const finalHits = o.steps.filter((s) => s.stageKey === finalStage && s.status === 'cached');
  const missed = o.stages.filter(
    (st) => st.key !== finalStage && st.key !== '(external)' && st.counts.cached === 0 && st.counts.ran > 0,
  );
  if (!finalHits.length || !missed.length) return [];
  const missedKeys = new Set(missed.map((m) => m.key));
  const firstRan = slowestOf(o.steps.filter((s) => missedKeys.has(s.stageKey) && s.status === 'ran'));
  return [
    {
      kind: 'min-mode-stages-missed',
      severity: 'warning',
      message: `The final stage hit the imported cache while ${missed.length === 1 ? 'stage' : 'stages'} ${missed.map((m) => `'${m.stage ?? m.key}'`).join(', ')} missed in full: the cache was written with mode=min (the default, and the only mode of an inline cache), which keeps the final stage's layers only.`,
      evidence: [`${finalHits[0].name}  CACHED`, `${firstRan.name}  (ran, ${firstRan.seconds ?? '?'}s)`],
      fix:
        imp.backend === 'gha'
          ? 'cache-to: type=gha,mode=max  # with your scope'
          : `cache-to: type=registry,ref=${imp.ref},mode=max  # an inline cache cannot hold other stages; a registry cache needs the docker-container driver (docker/setup-buildx-action)`,
      ignoreErrorKeepsGreen: null,
    },
  ];
}

function exportDiagnoses(o: DiagnoseOpts): CacheDiagnosis[] {
  const out: CacheDiagnosis[] = [];
  const otherFailure = o.steps.some((s) => s.status === 'error');
  for (const e of o.exports) {
    if (e.outcome === 'error') {
      const kind = e.errorKind ?? 'other';
      const keepsGreen = !otherFailure && e.ignoreError !== true;
      out.push({
        kind: 'export-failed',
        severity: 'error',
        message: `The cache export (${e.backend}) failed: ${ERROR_MEANING[kind]}.${keepsGreen ? ' The image itself was built: with ignore-error=true the build would have passed, and only the next build would have missed this cache.' : ''}`,
        evidence: [exportName(e), `ERROR: ${e.error}`],
        fix: exportFix(e, kind),
        ignoreErrorKeepsGreen: e.ignoreError === true ? null : keepsGreen,
      });
    }
    const share = o.basisSeconds > 0 && e.seconds !== null ? e.seconds / o.basisSeconds : null;
    if (e.seconds !== null && share !== null && share >= EXPORT_SHARE_WARN && e.seconds >= EXPORT_SECONDS_WARN) {
      const tips = [
        e.mode === 'max' ? 'mode=min (only the final stage; intermediate stages then miss next time)' : null,
        e.backend === 'gha' ? 'a narrower scope per image' : null,
        'compression=zstd (faster to write than gzip)',
        e.ignoreError ? null : 'ignore-error=true (a slow or failing export then cannot fail the build)',
      ].filter((t): t is string => t !== null);
      out.push({
        kind: 'export-dominates',
        severity: 'warning',
        message: `Exporting the cache took ${e.seconds}s, ${Math.round(share * 100)}% of the build${e.preparingSeconds !== null ? ` (${e.preparingSeconds}s preparing)` : ''}${e.layers ? `, writing ${e.layers} layers` : ''}. Consider ${tips.join('; ')}.`,
        evidence: [
          `${exportName(e)}  ${e.seconds}s`,
          ...(e.preparingSeconds !== null ? [`preparing build cache for export ${e.preparingSeconds}s done`] : []),
        ],
        fix: `cache-to: type=${e.backend}${e.ref ? (e.backend === 'gha' ? `,scope=${e.ref}` : `,ref=${e.ref}`) : ''},mode=${e.mode === 'max' ? 'min' : (e.mode ?? 'min')},compression=zstd,ignore-error=true`,
        ignoreErrorKeepsGreen: null,
      });
    }
  }
  return out;
}

function exportFix(e: CacheExport, kind: string): string {
  const base = `cache-to: type=${e.backend}${e.ref ? (e.backend === 'gha' ? `,scope=${e.ref}` : `,ref=${e.ref}`) : ''}${e.mode ? `,mode=${e.mode}` : ''}`;
  switch (kind) {
    case 'legacy-service':
      return `Use BuildKit 0.20 or later (docker/setup-buildx-action@v3), and meanwhile\n${base},ignore-error=true`;
    case 'throttled':
    case 'timeout':
      return `${base.replace(',mode=max', ',mode=min')},ignore-error=true  # fewer layers and requests; a slow cache service then costs a miss, not a red build`;
    case 'reserve-failed':
    case 'already-exists':
      return `${base},ignore-error=true  # and one scope per job or image (scope=<image>-<platform>)`;
    case 'unauthorized':
      return `Log in with a token that may push to the cache ref (docker/login-action; packages: write for ghcr.io), or\n${base},ignore-error=true`;
    default:
      return `${base},ignore-error=true`;
  }
}

function dockerDriver(o: DiagnoseOpts): CacheDiagnosis[] {
  const line = o.errors.find(isDockerDriverExportError);
  if (!line) return [];
  return [
    {
      kind: 'docker-driver-export',
      severity: 'error',
      message: `The build did not start: ${ERROR_MEANING['docker-driver']}.`,
      evidence: [`ERROR: ${line}`],
      fix: 'Use a docker-container builder (docker/setup-buildx-action before the build), or turn on the containerd image store, or export an inline cache instead:\ncache-to: type=inline',
      ignoreErrorKeepsGreen: false,
    },
  ];
}

const CONFIGURE = /failed to configure (\w+) cache (exporter|importer)/;

/** A cache backend BuildKit could not even set up (bad attributes, credentials, account URL): the build never ran. */
function configureFailures(o: DiagnoseOpts): CacheDiagnosis[] {
  return o.errors.flatMap((line): CacheDiagnosis[] => {
    const m = CONFIGURE.exec(line);
    if (!m) return [];
    const kind = cacheErrorKind(line);
    const exporter = m[2] === 'exporter';
    return [
      {
        kind: exporter ? 'export-failed' : 'import-failed',
        severity: 'error',
        message: `BuildKit could not set up the ${m[1]} cache ${exporter ? 'export' : 'import'}${kind === 'other' ? '' : `: ${ERROR_MEANING[kind]}`}. The build stopped before any step ran.`,
        evidence: [`ERROR: ${line}`],
        fix: exporter
          ? `Check the cache-to attributes of type=${m[1]} (account, bucket, name, credentials on the builder).`
          : `Check the cache-from attributes of type=${m[1]} and the builder's credentials.`,
        ignoreErrorKeepsGreen: null,
      },
    ];
  });
}

/** Several jobs (told apart by report-id) writing one gha scope overwrite each other's cache index. */
function sharedScope(o: DiagnoseOpts): CacheDiagnosis[] {
  const id = o.inputs?.reportId;
  if (!id || id === 'default') return [];
  return (o.inputs?.to ?? [])
    .filter((s) => s.type === 'gha' && s.scope !== null && !s.scope.includes(id))
    .map((s) => ({
      kind: 'shared-scope' as const,
      severity: 'warning' as const,
      message: `This job has report-id '${id}', so it is one of several, yet it writes the gha scope '${s.scope}' that does not depend on it: every job exporting to that scope replaces the others' cache index, and each then misses the next time.`,
      evidence: [`cache-to: ${s.text}`, `report-id: ${id}`],
      fix: `cache-from: type=gha,scope=${s.scope}-${id}\ncache-to: type=gha,scope=${s.scope}-${id}${s.mode === 'max' ? ',mode=max' : ''}`,
      ignoreErrorKeepsGreen: null,
    }));
}

/** A pull request's gha export lands in its own scope (refs/pull/N/merge): no other branch will ever read it. */
function prScopedExport(o: DiagnoseOpts): CacheDiagnosis[] {
  const ref = o.inputs?.gitRef ?? null;
  if (!ref?.startsWith('refs/pull/')) return [];
  const e = o.exports.find((x) => x.backend === 'gha' && x.outcome === 'ok');
  if (!e) return [];
  const scope = e.ref ?? 'buildkit';
  return [
    {
      kind: 'pr-scoped-export',
      severity: 'info',
      message: `This pull request's cache export is stored under ${ref}: only this pull request's later runs can read it; the default branch and other pull requests never will. The cache everyone reads comes from pushes to the default branch.`,
      evidence: [`exporting to GitHub Actions Cache  ${e.seconds ?? '?'}s`, `GITHUB_REF=${ref}`],
      fix: `cache-to: type=gha,scope=${scope},mode=${e.mode ?? 'max'}  # on pushes to the default branch (if: github.event_name == 'push'); pull requests keep cache-from only`,
      ignoreErrorKeepsGreen: null,
    },
  ];
}

export function diagnoseRemoteCache(o: DiagnoseOpts): CacheDiagnosis[] {
  return [
    ...dockerDriver(o),
    ...configureFailures(o),
    ...exportDiagnoses(o),
    ...importDiagnoses(o),
    ...servedNothing(o),
    ...minModeStages(o),
    ...sharedScope(o),
    ...prScopedExport(o),
  ];
}

/** A gha import that served nothing while the repository's cache is near its limit: eviction is the likely cause. */
export function evictionNote(diagnoses: CacheDiagnosis[], usage: { share: number }): void {
  if (usage.share < USAGE_WARN) return;
  for (const d of diagnoses) {
    if (d.kind === 'import-served-nothing' && d.message.includes('evicted')) {
      d.message += ` The repository's Actions cache is ${Math.round(usage.share * 100)}% full, so eviction is the likely cause.`;
    }
  }
}

/** The cache usage warning (run mode, with a token that may read the repository's Actions cache). */
export function usageDiagnosis(usage: {
  activeBytes: number;
  limitBytes: number;
  share: number;
}): CacheDiagnosis | null {
  if (usage.share < USAGE_WARN) return null;
  const gb = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GB`;
  return {
    kind: 'cache-near-limit',
    severity: 'warning',
    message: `The repository's Actions cache holds ${gb(usage.activeBytes)} of its ${gb(usage.limitBytes)} (${Math.round(usage.share * 100)}%): past the limit GitHub evicts the least recently used entries, and this build's cache may be next.`,
    evidence: [`GET /repos/{owner}/{repo}/actions/cache/usage: active_caches_size_in_bytes ${usage.activeBytes}`],
    fix: 'cache-to: type=gha,mode=min  # smaller entries; and one scope per image, deleting caches of closed pull requests',
    ignoreErrorKeepsGreen: null,
  };
}

export { cacheErrorKind };
