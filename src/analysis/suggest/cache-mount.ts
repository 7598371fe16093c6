import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { ecosystemOf } from './ecosystems.js';
import { mounts } from './text.js';

// Of an install's re-run time, the share a warm download cache saves (the packages are still unpacked).
const DOWNLOAD_SHARE = 0.5;

/** Package-manager installs that download everything again on every run, where a cache mount would keep it. */
export function cacheMount(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    for (const run of stage.steps.filter((s) => s.keyword === 'RUN')) {
      const found = ecosystemOf(ctx.script(run).commands);
      const eco = found?.eco;
      if (!eco?.cache) continue;
      if (mounts(run).some((m) => m.includes('type=cache'))) continue;
      // The cache paths are root's: a USER before the RUN moves them.
      const user = stage.instructions.filter((i) => i.keyword === 'USER' && i.lines.start < run.lines.start).pop();
      if (user && !/^USER\s+(?:root|0)(?::\S+)?$/i.test(user.text)) continue;
      const source = ctx.lines.slice(run.lines);
      const first = source[0].replace(/^(\s*RUN)\s+/i, `$1 --mount=type=cache,target=${eco.cache} `);
      // With a cache mount, pip's --no-cache-dir only throws the cache away.
      const edited = [first, ...source.slice(1)].map((l) =>
        eco.name === 'pip' ? l.replace(/\s--no-cache-dir\b/, '') : l,
      );
      const step = ctx.step(run);
      const gain = ctx.timeGain([run]);
      const ranHere = gain.basis === 'measured';
      out.push(
        ctx.suggestion({
          rule: 'cache-mount',
          title: `Keep ${eco.name.replace(/-(?:build|project)$/, '')}'s download cache between builds`,
          lines: run.lines,
          why: `When this step re-runs it downloads every package again${ranHere ? ` (it ran ${step?.seconds ?? '?'} s in this build)` : ''}; a BuildKit cache mount at ${eco.cache} keeps the downloads without putting them in the image (where the builder keeps its cache between builds).`,
          savedSeconds: null,
          protects: step ? [step.id] : [],
          gain: { kind: 'seconds', value: Math.round(gain.value * DOWNLOAD_SHARE * 10) / 10, basis: gain.basis },
          confidence: 'low',
          after: ctx.lines.replace(run.lines, edited),
        }),
      );
    }
  }
  return out;
}
