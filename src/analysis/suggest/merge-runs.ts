import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { ecosystemOf } from './ecosystems.js';
import { runCommand } from './text.js';

/**
 * Consecutive RUNs that re-ran together in this build (one cascade, nothing between them): as one
 * RUN they make one layer and one cache entry. Needs the build's data: without it, two RUNs may
 * well change at different times, and then keeping them apart is right.
 */
export function mergeRuns(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    const all = stage.instructions;
    for (let i = 0; i + 1 < all.length; i++) {
      const [a, b] = [all[i], all[i + 1]];
      if (a.keyword !== 'RUN' || b.keyword !== 'RUN') continue;
      if (
        [a, b].some(
          (r) =>
            r.text.includes('--mount') || r.text.includes('<<') || r.text.includes('[') || ecosystemOf(runCommand(r)),
        )
      )
        continue;
      const [sa, sb] = [ctx.step(a), ctx.step(b)];
      const rootA = ctx.rootOf(sa);
      if (sa?.status !== 'ran' || sb?.status !== 'ran' || !rootA || ctx.rootOf(sb)?.id !== rootA.id) continue;
      const merged = `RUN ${runCommand(a)} \\\n    && ${runCommand(b)}`;
      const text = ctx.lines.replace({ start: a.lines.start, end: b.lines.end }, [
        ...ctx.lines.slice({ start: a.lines.end + 1, end: b.lines.start - 1 }).filter((l) => l.trim().startsWith('#')),
        merged,
      ]);
      out.push(
        ctx.suggestion({
          rule: 'merge-runs',
          title: 'Merge RUNs that re-run together',
          lines: { start: a.lines.start, end: b.lines.end },
          why: `Lines ${a.lines.start} and ${b.lines.start} re-ran together in this build (both after ${rootA.id}); as one RUN they make one layer and one cache entry instead of two.`,
          evidence: 'data',
          savedSeconds: null,
          protects: [],
          after: text,
        }),
      );
      i++; // one merge per pair
    }
  }
  return out;
}
