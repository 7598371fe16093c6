import type { BuildReport } from '../model/report.js';
import { stepsById } from '../model/steps-by-id.js';
import { gainText, noneCached, stepTextOf, regressionGroups, stepName, whyPhrase } from '../render/answer.js';
import { bytes, seconds } from '../render/format.js';
import { toText } from '../render/inline.js';

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
/** Annotation messages are cut at a word boundary past this length (the summary has the rest). */
const MAX_MESSAGE = 400;

/** Cut at the last space before `max` characters, never inside a word. */
export function wholeWords(text: string, max = MAX_MESSAGE): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1).replace(/[\s,;:(]+$/, '')}…`;
}

/**
 * Annotations on the Dockerfile: one warning per root cause of regressions, at the line of the step
 * that set them off (why, what it set off, the cost), costliest first; a regressed step with no root
 * cause (slower or bigger while cached) gets its own. Each suggestion is a notice at its lines.
 */
export function annotationsFor(report: BuildReport): Annotation[] {
  const file = report.dockerfile?.path;
  if (!file) return [];
  const byId = stepsById(report);
  const none = noneCached(report);
  const { groups, loose } = regressionGroups(report, byId);
  const warnings: Annotation[] = [];
  for (const g of groups) {
    const lines = g.root?.lines;
    if (!g.root || !lines) continue;
    const n = g.changes.length;
    const after = g.cause.cascade.length;
    const costliest =
      g.costliest && g.costliest !== g.root
        ? ` The costliest: ${toText(stepName(g.costliest, report))}, ${seconds(g.costliest.seconds)}.`
        : '';
    warnings.push({
      level: 'warning',
      title: `Build regression: ${n} step${n === 1 ? '' : 's'} lost the cache (${seconds(g.cause.seconds)})`,
      message: wholeWords(
        `${toText(stepName(g.root, report))} ${toText(whyPhrase(g.cause, none))}` +
          `${after ? `, and ${after} step${after === 1 ? '' : 's'} after it re-ran` : ''}: ${seconds(g.cause.seconds)} in all.${costliest}`,
      ),
      file,
      startLine: lines.start,
      endLine: lines.end,
    });
  }
  for (const change of loose) {
    const step = byId.get(change.id);
    if (!step?.lines) continue;
    warnings.push({
      level: 'warning',
      title: `Build regression: ${change.regressions.join(', ')}`,
      message: wholeWords(
        `${toText(stepName(step, report))}: ${seconds(change.seconds.from)} -> ${seconds(change.seconds.to)}, ` +
          `${bytes(change.sizeBytes.from)} -> ${bytes(change.sizeBytes.to)}.`,
      ),
      file,
      startLine: step.lines.start,
      endLine: step.lines.end,
    });
  }
  const notices: Annotation[] = (report.analysis?.suggestions ?? [])
    .filter((s) => s.file === file)
    .map((s) => ({
      level: 'notice' as const,
      title: s.title,
      message: wholeWords(`${s.why} ${gainText(s, stepTextOf(report)).replace(/^./, (c) => c.toUpperCase())}.`),
      file,
      startLine: s.lines.start,
      endLine: s.lines.end,
    }));
  return [...warnings.slice(0, MAX_EACH), ...notices.slice(0, MAX_EACH)];
}
