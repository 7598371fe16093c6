// The report's `remoteCache` part: the cache vertices read, what the import served, and the diagnoses.
import type { ParsedBuild } from '../progress/types.js';
import type { RemoteCacheReport, StageSummary, Step } from '../model/report.js';
import { diagnoseRemoteCache } from './diagnose.js';
import { readCacheVertices, servedSteps } from './read.js';
import type { CacheInputs } from './spec.js';

export { isCacheVertex, isImportVertex } from './read.js';
export { cacheInputs, parseCacheSpec, type CacheInputs } from './spec.js';

export interface RemoteCacheOpts {
  parsed: ParsedBuild;
  steps: Step[];
  stages: StageSummary[];
  /** Vertex key -> step id. */
  idByKey: Map<string, string>;
  basisSeconds: number;
  /** The basis is the wall clock (else the sum of vertex times, which lacks exports that printed no time). */
  wallBasis: boolean;
  errors: string[];
  failed: boolean;
  inputs: CacheInputs | null;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Null when the build used no remote cache and nothing about one needs saying. */
export function remoteCacheReport(o: RemoteCacheOpts): RemoteCacheReport | null {
  const { imports, exports, exportAt } = readCacheVertices(o.parsed.vertices, o.inputs);
  const timedExport = new Map(exportAt.map((at, i) => [at, exports[i].seconds ?? 0]));
  const importSeconds = round(imports.reduce((sum, i) => sum + (i.seconds ?? 0), 0));
  const exportSeconds = round(exports.reduce((sum, e) => sum + (e.seconds ?? 0), 0));
  // An export that failed printed no time of its own: its preparing time is added to a summed basis.
  const untimed = o.wallBasis
    ? 0
    : o.parsed.vertices.reduce((sum, v, i) => sum + (v.seconds === null ? (timedExport.get(i) ?? 0) : 0), 0);
  const basis = o.basisSeconds + untimed;
  const exportShare = exports.length && basis > 0 ? Math.min(1, exportSeconds / basis) : null;
  const diagnoses = diagnoseRemoteCache({
    steps: o.steps,
    stages: o.stages,
    imports,
    exports,
    basisSeconds: basis,
    exportShare,
    errors: o.errors,
    failed: o.failed,
    inputs: o.inputs,
  });
  if (!imports.length && !exports.length && !diagnoses.length) return null;
  return {
    imports,
    exports,
    importSeconds,
    exportSeconds,
    exportShare,
    served: servedSteps(o.steps, o.parsed.vertices, o.idByKey, imports),
    diagnoses,
    usage: null,
  };
}
