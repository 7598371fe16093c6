// The history the baseline store keeps beside the newest baseline: per earlier build of the
// branch, each step's status. It tells how often a step re-runs, which ranks suggestions.
import type { StepStatus } from './report.js';

export interface HistoryEntry {
  commit: string;
  branch: string;
  createdAt: string;
  /** Step id → status. */
  steps: Record<string, StepStatus>;
  seconds: number | null;
  /** The workflow run that built it (its page on GitHub), when the action saved it in one. */
  runUrl?: string;
}

export interface History {
  schemaVersion: 1;
  builds: HistoryEntry[];
}
