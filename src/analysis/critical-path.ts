import type { BuildReport, CriticalPath } from '../model/report.js';
import type { StepGraph } from './graph.js';

/**
 * The longest chain of step times through the graph: what the build cannot go below with its
 * parallelism, and the steps to speed up first. Cached steps and sources weigh nothing.
 */
export function criticalPath(report: BuildReport, graph: StepGraph): CriticalPath {
  const seconds = new Map(
    report.steps.map((s) => [s.id, s.status === 'cached' || s.status === 'source' ? 0 : (s.seconds ?? 0)]),
  );
  const best = new Map<string, { total: number; via: string | null }>();
  for (const id of graph.order) {
    let via: string | null = null;
    let total = 0;
    for (const p of graph.parents.get(id) ?? []) {
      const b = best.get(p);
      if (b && b.total > total) {
        total = b.total;
        via = p;
      }
    }
    best.set(id, { total: total + (seconds.get(id) ?? 0), via });
  }
  let end: string | null = null;
  for (const [id, b] of best) if (end === null || b.total > best.get(end)!.total) end = id;
  const path: string[] = [];
  for (let id = end; id !== null; id = best.get(id)!.via) path.push(id);
  path.reverse();
  const total = end ? best.get(end)!.total : 0;
  return {
    seconds: Math.round(total * 1000) / 1000,
    steps: path
      .filter((id) => (seconds.get(id) ?? 0) > 0)
      .map((id) => ({ id, seconds: seconds.get(id)!, share: total > 0 ? seconds.get(id)! / total : 0 })),
  };
}
