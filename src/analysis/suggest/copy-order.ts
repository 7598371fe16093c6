import type { DockerfileInstruction } from '../../dockerfile/parse.js';
import type { Suggestion } from '../../model/report.js';
import { reranSeconds, type RuleContext } from './context.js';
import { ecosystemOf } from './ecosystems.js';
import { copyDest, runCommand } from './text.js';

// Commands that set up the system and never read the application's files.
const SYSTEM =
  /^(?:(?:apt-get|apt|yum|dnf|microdnf|zypper)(?: -\S+)* (?:update|install|upgrade|clean)|apk(?: -\S+)* (?:add|update|upgrade)|curl |wget |useradd |adduser |groupadd |addgroup |mkdir |chmod |chown |ln |rm -rf \/(?:var|tmp)|echo |pip3? install (?!-r|--requirement|\.|-e)\S|npm (?:install|i) -g )/;

export function isSystemSetup(command: string): boolean {
  const parts = command
    .split(/&&|;/)
    .map((p) => p.trim().replace(/\\$/, '').trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => SYSTEM.test(p));
}

export function mentionsCopy(command: string, inst: DockerfileInstruction): boolean {
  const names = [...inst.sources, copyDest(inst)]
    .map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((p) => p && p !== '.' && p !== '/');
  return names.some((n) => command.includes(n));
}

/** A COPY of often-changing files above an expensive RUN that does not need them. */
export function copyOrder(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    for (const copy of stage.steps.filter((s) => (s.keyword === 'COPY' || s.keyword === 'ADD') && s.sources.length)) {
      const copyStep = ctx.step(copy);
      const cause = copyStep ? ctx.report.analysis?.rootCauses.find((c) => c.stepId === copyStep.id) : undefined;
      for (const run of stage.steps.filter((s) => s.keyword === 'RUN' && s.lines.start > copy.lines.end)) {
        const command = runCommand(run);
        if (ecosystemOf(command) || !isSystemSetup(command) || mentionsCopy(command, copy)) continue;
        const between = ctx.between(stage, copy, run);
        if (between.some((i) => i.keyword !== 'COPY' && i.keyword !== 'ADD')) break;
        if (between.some((i) => mentionsCopy(command, i))) break;
        const runStep = ctx.step(run);
        const dataBacked = cause?.kind === 'content-changed' && ctx.rootOf(runStep)?.id === copyStep?.id;
        out.push(
          ctx.suggestion({
            rule: 'copy-order',
            title: 'Run the system setup before copying files that change',
            lines: { start: copy.lines.start, end: run.lines.end },
            why: `\`${copy.text.slice(0, 60)}\` sits above \`${command.slice(0, 60)}\`, which does not read it, so every change to the copied files re-runs it.`,
            evidence: dataBacked ? 'data' : 'static',
            savedSeconds: dataBacked ? reranSeconds([runStep]) : null,
            protects: runStep ? [runStep.id] : [],
            after: ctx.lines.moveUp(run.lines, copy.lines.start),
          }),
        );
        break; // one move per COPY: the next suggestion is computed on the edited file by the user
      }
    }
  }
  return out;
}
