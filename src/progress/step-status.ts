import type { StepStatus } from '../model/report.js';
import type { Vertex } from './types.js';

/** The report's status of a vertex: sources are never misses, `done` is a step that ran. */
export function stepStatus(v: Vertex): StepStatus {
  if (v.kind === 'source') return 'source';
  switch (v.outcome) {
    case 'cached':
      return 'cached';
    case 'done':
      return 'ran';
    default:
      return v.outcome;
  }
}
