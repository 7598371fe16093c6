import type { BuildReport, Step } from './report.js';

/**
 * The report's steps by id: one index per steps array, kept while no step is added, removed or renamed.
 * The analysis, the rules and every rendering ask for it; checking the ids costs far less than a map of
 * 100,000 keys built again each time.
 */
export function stepsById(report: Pick<BuildReport, 'steps'>): ReadonlyMap<string, Step> {
  const steps = report.steps;
  const known = indexes.get(steps);
  if (known && known.ids.length === steps.length && steps.every((s, i) => s.id === known.ids[i])) return known.byId;
  const byId = new Map<string, Step>();
  const ids: string[] = [];
  for (const s of steps) {
    byId.set(s.id, s);
    ids.push(s.id);
  }
  indexes.set(steps, { byId, ids });
  return byId;
}

const indexes = new WeakMap<Step[], { byId: Map<string, Step>; ids: string[] }>();
