import type { DockerfileInstruction } from '../../dockerfile/parse.js';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { copiesOnlyManifests, isCostlySetup, mentionsCopy } from './copy-order.js';
import { ecosystemOf, estimateSeconds } from './ecosystems.js';
import { mounts, type LineEdit } from './text.js';

/**
 * One RUN after a COPY of changing files that starts with costly system setup (stable: apt, apk, curl...)
 * and goes on with work on the copied files (volatile): the stable part re-runs with every change. Split it:
 * the stable part above the COPY, the rest where it was. Trivial commands (`echo`, `mkdir`...) are never
 * worth it.
 */
export function splitRun(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    // The last COPY of context files before each RUN, found on the way (not by a scan of the stage per RUN).
    let copy: DockerfileInstruction | undefined;
    for (const run of stage.steps) {
      if ((run.keyword === 'COPY' || run.keyword === 'ADD') && run.sources.length && !run.from.length) copy = run;
      if (run.keyword !== 'RUN') continue;
      // Only plain `a && b && c` chains are split safely.
      const chain = ctx.script(run).chain;
      if (!chain || chain.length < 2) continue;
      const links = chain.map((text) => ({ text, commands: ctx.parse(text).commands }));
      // The stable part: the longest prefix of links that only set the system up.
      let k = 0;
      while (k < links.length && isCostlySetup(links[k].commands)) k++;
      const stable = links.slice(0, k);
      const volatile = links.slice(k);
      if (!stable.length || !volatile.length) continue;
      const stableCommands = stable.flatMap((l) => l.commands);
      if (!copy || copiesOnlyManifests(copy) || mentionsCopy(stableCommands, copy) || ecosystemOf(stableCommands))
        continue;
      const between = ctx.between(stage, copy, run);
      if (between.some((i) => i.keyword !== 'COPY' && i.keyword !== 'ADD')) continue;
      const flags = ctx.lines
        .slice(run.lines)[0]
        .replace(/^\s*RUN\s+/i, '')
        .match(/^(?:--\S+\s+)*/)![0];
      const caches = mounts(run)
        .filter((m) => m.includes('type=cache'))
        .map((m) => `--mount=${m} `)
        .join('');
      const runStep = ctx.step(run);
      const copyStep = ctx.step(copy);
      const reran = runStep?.status === 'ran' || runStep?.status === 'error';
      const savedHere = ctx.discriminating && reran && ctx.rootOf(runStep)?.id === copyStep?.id;
      // The stable part's share of the RUN's time is not in the log: its class estimate, bounded by the RUN's time.
      const estimate = estimateSeconds(stableCommands);
      const value = reran ? Math.min(estimate, runStep!.seconds ?? 0) : estimate;
      // One window from the COPY to the RUN: the stable part above the COPY, the rest where the RUN was.
      const after: LineEdit = {
        start: copy.lines.start,
        end: run.lines.end,
        lines: [
          `RUN ${caches}${stable.map((l) => l.text).join(' \\\n    && ')}`,
          ...ctx.lines.slice({ start: copy.lines.start, end: run.lines.start - 1 }),
          `RUN ${flags}${volatile.map((l) => l.text).join(' \\\n    && ')}`,
        ],
      };
      out.push(
        ctx.suggestion({
          rule: 'split-run',
          title: 'Split the system setup out of the RUN that uses the copied files',
          lines: { start: copy.lines.start, end: run.lines.end },
          why: `\`${stable[0].text.slice(0, 50)}\` does not need the files \`${copy.text.slice(0, 40)}\` copies, but shares a RUN with commands that do, so it re-runs with every change to them.`,
          savedSeconds: savedHere ? value : null,
          protects: runStep ? [runStep.id] : [],
          gain: { kind: 'seconds', value, basis: reran ? 'measured' : 'estimated' },
          confidence: savedHere ? 'high' : 'medium',
          after,
        }),
      );
    }
  }
  return out;
}
