import type { BuildReport, CriticalPath } from '../model/report.js';
import { stepsById } from '../model/steps-by-id.js';
import type { StepGraph } from './graph.js';

/**
 * The longest chain of step times through the graph: what the build cannot go below with its
 * parallelism, and the steps to speed up first. Cached steps and sources weigh nothing.
 */
export function criticalPath(report: BuildReport, graph: StepGraph): CriticalPath {
  const byId = stepsById(report);
  const weight = (id: string): number => {
    const s = byId.get(id);
    return !s || s.status === 'cached' || s.status === 'source' ? 0 : (s.seconds ?? 0);
  };
  // By position in the graph's order (parents first): two arrays, not an object per step.
  const { order, parentsAt } = graph;
  const total = new Float64Array(order.length);
  const via = new Int32Array(order.length).fill(-1);
  for (let i = 0; i < order.length; i++) {
    let best = 0;
    const parents = parentsAt[i];
    for (let j = 0; j < parents.length; j++) {
      const at = parents[j];
      if (at < i && total[at] > best) {
        best = total[at];
        via[i] = at;
      }
    }
    total[i] = best + weight(order[i]);
  }
  let end = -1;
  for (let i = 0; i < order.length; i++) if (end === -1 || total[i] > total[end]) end = i;
  const path: string[] = [];
  for (let i = end; i !== -1; i = via[i]) path.push(order[i]);
  path.reverse();
  const sum = end === -1 ? 0 : total[end];
  return {
    seconds: Math.round(sum * 1000) / 1000,
    steps: path
      .filter((id) => weight(id) > 0)
      .map((id) => ({ id, seconds: weight(id), share: sum > 0 ? weight(id) / sum : 0 })),
  };
}
