import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { isSystemSetup, mentionsCopy } from './copy-order.js';
import { ecosystemOf } from './ecosystems.js';
import { Lines, runCommand } from './text.js';

/**
 * One RUN after a COPY of changing files that mixes system setup (stable: apt, apk, curl...) with
 * work on the copied files (volatile): the stable part re-runs with every change. Split it: the
 * stable part above the COPY, the rest where it was.
 */
export function splitRun(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    for (const run of stage.steps.filter((s) => s.keyword === 'RUN' && !s.text.includes('<<'))) {
      const command = runCommand(run);
      if (/\|\||;|\bif\b|\bfor\b/.test(command)) continue; // only plain `a && b && c` chains are split safely
      const parts = command
        .split('&&')
        .map((p) => p.trim().replace(/\\$/, '').trim())
        .filter(Boolean);
      if (parts.length < 2) continue;
      const stable = parts.filter((p) => isSystemSetup(p));
      const volatile = parts.filter((p) => !isSystemSetup(p));
      // The stable part must come first in the chain, so moving it up keeps the order of the commands.
      if (!stable.length || !volatile.length || parts.findIndex((p) => !isSystemSetup(p)) < stable.length) continue;
      const copies = stage.steps.filter(
        (s) => (s.keyword === 'COPY' || s.keyword === 'ADD') && s.sources.length && s.lines.end < run.lines.start,
      );
      const copy = copies[copies.length - 1];
      if (!copy || stable.some((p) => mentionsCopy(p, copy)) || ecosystemOf(stable.join(' && '))) continue;
      const between = ctx.between(stage, copy, run);
      if (between.some((i) => i.keyword !== 'COPY' && i.keyword !== 'ADD')) continue;
      const flags = run.text.replace(/^RUN\s+/i, '').match(/^(?:--\S+\s+)*/)![0];
      const runStep = ctx.step(run);
      const copyStep = ctx.step(copy);
      const dataBacked = runStep?.status === 'ran' && ctx.rootOf(runStep)?.id === copyStep?.id;
      const edited = ctx.lines.replace(run.lines, [`RUN ${flags}${volatile.join(' \\\n    && ')}`]);
      // The RUN is below the COPY, so inserting above the COPY leaves the replaced lines where they were.
      const after = new Lines(edited).insert(copy.lines.start, [`RUN ${stable.join(' \\\n    && ')}`]);
      out.push(
        ctx.suggestion({
          rule: 'split-run',
          title: 'Split the system setup out of the RUN that uses the copied files',
          lines: { start: copy.lines.start, end: run.lines.end },
          why: `\`${stable[0].slice(0, 50)}\` does not need the files \`${copy.text.slice(0, 40)}\` copies, but shares a RUN with commands that do, so it re-runs with every change to them.`,
          evidence: dataBacked ? 'data' : 'static',
          // Its share of the RUN's time is not in the log: the whole RUN's time bounds it.
          savedSeconds: null,
          protects: [],
          after,
        }),
      );
    }
  }
  return out;
}
