import type { DockerfileInstruction, DockerfileStage } from '../../dockerfile/parse.js';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { ecosystemOf } from './ecosystems.js';
import { mergedRun } from './text.js';

/**
 * The first line of a cached step in a stage or the stages it is built on (Infinity when none was): something
 * before an instruction was cached, and the build discriminates, when that line comes first.
 */
function firstCachedLine(ctx: RuleContext, stage: DockerfileStage): number {
  return ctx.foldChain<number>('first cached line', stage, (before, s) => {
    let first = before ?? Infinity;
    for (const step of s.steps) if (ctx.step(step)?.status === 'cached') first = Math.min(first, step.lines.start);
    return first;
  });
}

/** Mounts, here-documents and the exec form do not merge as text; installs are kept apart on purpose. */
function plain(ctx: RuleContext, r: DockerfileInstruction): boolean {
  return !/^RUN\s+(?:--|\[)/i.test(r.text) && !r.text.includes('<<') && !ecosystemOf(ctx.script(r).commands);
}

/**
 * Consecutive RUNs that re-ran together (one cascade, nothing between them): as one RUN they make one layer
 * and one cache entry. Needs data that tells them apart: on a cold build every RUN re-runs; with the
 * branch's history, they must have re-run together in most builds where either did.
 */
export function mergeRuns(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    const all = stage.instructions;
    let cachedFrom: number | null = null;
    // Each RUN is the second of one pair and the first of the next: read once for both.
    let nextPlain: boolean | null = null;
    for (let i = 0; i + 1 < all.length; i++) {
      const a = all[i];
      const b = all[i + 1];
      const aPlain = nextPlain;
      nextPlain = null;
      if (a.keyword !== 'RUN' || b.keyword !== 'RUN') continue;
      nextPlain = plain(ctx, b);
      if (!(aPlain ?? plain(ctx, a)) || !nextPlain) continue;
      const [sa, sb] = [ctx.step(a), ctx.step(b)];
      const rootA = ctx.rootOf(sa);
      if (sa?.status !== 'ran' || sb?.status !== 'ran' || !rootA || ctx.rootOf(sb)?.id !== rootA.id) continue;
      cachedFrom ??= firstCachedLine(ctx, stage);
      if (cachedFrom >= a.lines.start) continue;
      let history = '';
      const builds = ctx.history?.builds ?? [];
      if (builds.length) {
        const ran = (s: string | undefined) => s === 'ran' || s === 'error';
        const either = builds.filter((h) => ran(h.steps[sa.id]) || ran(h.steps[sb.id]));
        const together = either.filter((h) => ran(h.steps[sa.id]) && ran(h.steps[sb.id]));
        // This build counts too (they re-ran together here).
        if ((together.length + 1) / (either.length + 1) <= 0.5) continue;
        history = ` and in ${together.length} of the ${either.length} earlier build(s) where either re-ran`;
      }
      const text = ctx.lines.replace({ start: a.lines.start, end: b.lines.end }, [
        ...ctx.lines.slice({ start: a.lines.end + 1, end: b.lines.start - 1 }).filter((l) => l.trim().startsWith('#')),
        ...mergedRun(ctx.lines.slice(a.lines), ctx.lines.slice(b.lines)),
      ]);
      out.push(
        ctx.suggestion({
          rule: 'merge-runs',
          title: 'Merge RUNs that re-run together',
          lines: { start: a.lines.start, end: b.lines.end },
          why: `Lines ${a.lines.start} and ${b.lines.start} re-ran together in this build (both after ${rootA.id})${history}; as one RUN they make one layer and one cache entry instead of two.`,
          savedSeconds: null,
          protects: [sa.id, sb.id],
          gain: { kind: 'layers', value: 1, basis: 'measured' },
          confidence: builds.length ? 'medium' : 'low',
          after: text,
        }),
      );
      i++; // one merge per pair
      nextPlain = null;
    }
  }
  return out;
}
