import type { BuildReport, Step } from '../model/report.js';

export interface Annotation {
  level: 'warning' | 'notice';
  title: string;
  message: string;
  file: string;
  startLine: number;
  endLine: number;
}

/** At most this many of each level: GitHub shows 10 per step and level anyway. */
const MAX_EACH = 10;

/**
 * Annotations on the Dockerfile: a step that regressed (lost its cache, got slower or bigger) as a
 * warning at its lines, with its root cause; each suggestion as a notice at the lines it concerns.
 */
export function annotationsFor(report: BuildReport): Annotation[] {
  const file = report.dockerfile?.path;
  if (!file) return [];
  const byId = new Map(report.steps.map((s) => [s.id, s]));
  const causes = new Map((report.analysis?.rootCauses ?? []).map((c) => [c.stepId, c]));
  const warnings: Annotation[] = [];
  // Only 10 show: the steps that set misses off come before their cascades, costliest first.
  const isCascade = (s: Step): number => Number(s.miss?.role === 'cascade');
  const regressed = (report.comparison?.steps ?? [])
    .flatMap((change) => {
      const step = byId.get(change.id);
      const lines = step?.lines;
      return change.regressions.length && step && lines ? [{ change, step, lines }] : [];
    })
    .sort((a, b) => isCascade(a.step) - isCascade(b.step) || (b.step.seconds ?? 0) - (a.step.seconds ?? 0));
  for (const { change, step, lines } of regressed) {
    const root = step.miss?.role === 'cascade' ? step.miss.roots[0] : step.id;
    const cause = causes.get(root);
    const why = cause ? ` Root cause: ${root} (${cause.kind}): ${cause.detail}` : '';
    warnings.push({
      level: 'warning',
      title: `Build regression: ${change.regressions.join(', ')}`,
      message: `${step.text.slice(0, 120)} — was ${change.status.from}, now ${change.status.to}.${why}`,
      file,
      startLine: lines.start,
      endLine: lines.end,
    });
  }
  const notices: Annotation[] = (report.analysis?.suggestions ?? [])
    .filter((s) => s.file === file)
    .map((s) => ({
      level: 'notice' as const,
      title: s.title,
      message: `${s.why}${s.savedSeconds !== null ? ` Would have saved ${s.savedSeconds.toFixed(1)} s on this build.` : ''}`,
      file,
      startLine: s.lines.start,
      endLine: s.lines.end,
    }));
  return [...warnings.slice(0, MAX_EACH), ...notices.slice(0, MAX_EACH)];
}
