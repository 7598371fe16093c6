import { readsVariable, type DockerfileStage } from '../../dockerfile/parse.js';
import type { Suggestion } from '../../model/report.js';
import { reranSeconds, type RuleContext } from './context.js';

function forStage(stage: DockerfileStage, ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const arg of stage.args) {
    const after = stage.steps.filter((s) => s.lines.start > arg.line);
    const firstUse = after.find((s) => readsVariable(s.text, arg.name));
    if (!firstUse) continue; // unused in the file: it may be read by a script; say nothing
    // RUNs between the ARG and its first use re-run whenever its value changes, without needing it.
    const needless = after.filter((s) => s.lines.start < firstUse.lines.start && s.keyword === 'RUN');
    if (!needless.length) continue;
    const argInst = stage.instructions.find((i) => i.keyword === 'ARG' && i.lines.start === arg.line)!;
    const steps = needless.map((s) => ctx.step(s));
    // Data: this build re-ran them because of a build-arg change at one of them.
    const root = steps.map((s) => ctx.rootOf(s)).find((r) => r !== null);
    const cause = root ? ctx.report.analysis?.rootCauses.find((c) => c.stepId === root.id) : undefined;
    const dataBacked =
      cause?.kind === 'build-arg-changed' && cause.args.includes(arg.name) && steps.some((s) => s?.id === root!.id);
    out.push(
      ctx.suggestion({
        rule: 'arg-placement',
        title: `Declare ARG ${arg.name} just before its first use`,
        lines: { start: arg.line, end: firstUse.lines.end },
        why: `Every RUN after \`ARG ${arg.name}\` re-runs when its value changes; ${needless.length} RUN step(s) before its first use (line ${firstUse.lines.start}) do not use it (if a script reads it from the environment, keep it).`,
        evidence: dataBacked ? 'data' : 'static',
        savedSeconds: dataBacked ? reranSeconds(steps) : null,
        protects: steps.filter((s) => s !== null).map((s) => s!.id),
        after: ctx.lines.moveDown(argInst.lines, firstUse.lines.start),
      }),
    );
  }
  return out;
}

/** ARGs declared above expensive steps that do not use them. */
export function argPlacement(ctx: RuleContext): Suggestion[] {
  return ctx.dockerfile.stages.flatMap((stage) => forStage(stage, ctx));
}
