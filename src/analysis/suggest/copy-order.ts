import type { DockerfileInstruction } from '../../dockerfile/parse.js';
import type { ShellCommand } from '../../dockerfile/shell.js';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { classify, isSetup } from './ecosystems.js';
import { copyDest } from './text.js';

/** System setup worth moving: installs and downloads only (trivial commands never justify an edit). */
export function isCostlySetup(commands: ShellCommand[]): boolean {
  return (
    commands.length > 0 && commands.every(isSetup) && commands.some((c) => ['system', 'download'].includes(classify(c)))
  );
}

/** Does a command name the files a COPY brings (its sources or its destination)? */
export function mentionsCopy(commands: ShellCommand[], inst: DockerfileInstruction): boolean {
  const names = [...inst.sources, copyDest(inst)]
    .map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((p) => p && p !== '.' && p !== '/');
  return commands.some((c) => [c.name, ...c.args].some((w) => names.some((n) => w.includes(n))));
}

// Dependency manifests and lock files: they change rarely, so what follows them is cached most of the time.
const MANIFEST =
  /^(?:package(?:-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|\.yarnrc\.yml|\.npmrc|requirements[\w.-]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile(?:\.lock)?|setup\.(?:py|cfg)|Gemfile(?:\.lock)?|\*?\.gemspec|go\.(?:mod|sum)|Cargo\.(?:toml|lock)|Cargo\.\*|pom\.xml|build\.gradle(?:\.kts)?|settings\.gradle(?:\.kts)?|gradle\.properties|composer\.(?:json|lock)|\*\.csproj|[\w.-]+\.csproj|mix\.(?:exs|lock)|Gemfile\*|package\*\.json|requirements\*\.txt)\*?$/;

/** A COPY of dependency manifests only (`COPY package.json yarn.lock ./`). */
export function copiesOnlyManifests(inst: DockerfileInstruction): boolean {
  return (
    inst.sources.length > 0 && inst.sources.every((s) => MANIFEST.test(s.replace(/^\.\//, '').replace(/^.*\//, '')))
  );
}

// A COPY into system folders configures what a setup RUN reads (apt sources, certificates, pip.conf).
const SYSTEM_DEST = /^\/(?:etc|usr|root|var|opt|bin|sbin|lib|tmp|home)(?:\/|$)/;

/** A COPY of often-changing files above an expensive RUN that does not need them. */
export function copyOrder(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    const order = new Map(stage.instructions.map((inst, i) => [inst, i]));
    const copies = stage.steps.filter(
      (s) => (s.keyword === 'COPY' || s.keyword === 'ADD') && s.sources.length && !s.from.length,
    );
    for (const copy of copies) {
      if (SYSTEM_DEST.test(copyDest(copy)) || copiesOnlyManifests(copy)) continue;
      const copyStep = ctx.step(copy);
      const cause = ctx.causeAt(copyStep);
      // The RUN to move is the first instruction after the COPY that is not a COPY or ADD: past anything else
      // (another RUN, ENV, WORKDIR) the move would change what runs before what. One look per COPY, not a scan
      // of every later RUN (a stage of many COPYs and RUNs made that quadratic).
      const at = order.get(copy);
      if (at === undefined) continue;
      let next = at + 1;
      while (next < stage.instructions.length && ['COPY', 'ADD'].includes(stage.instructions[next].keyword)) next++;
      const run = stage.instructions[next] as DockerfileInstruction | undefined;
      if (run?.keyword === 'RUN') {
        const { commands } = ctx.script(run);
        if (!isCostlySetup(commands) || mentionsCopy(commands, copy)) continue;
        const between = stage.instructions.slice(at + 1, next);
        if (between.some((i) => mentionsCopy(commands, i) || SYSTEM_DEST.test(copyDest(i)))) continue;
        const runStep = ctx.step(run);
        const savedHere =
          ctx.discriminating && cause?.kind === 'content-changed' && ctx.rootOf(runStep)?.id === copyStep?.id;
        const gain = ctx.timeGain([run]);
        out.push(
          ctx.suggestion({
            rule: 'copy-order',
            title: 'Run the system setup before copying files that change',
            lines: { start: copy.lines.start, end: run.lines.end },
            why: `\`${copy.text.slice(0, 60)}\` sits above \`${commands[0].text.slice(0, 60)}\`, which does not read it, so every change to the copied files re-runs it.`,
            savedSeconds: savedHere ? gain.value : null,
            protects: runStep ? [runStep.id] : [],
            gain: { kind: 'seconds', value: gain.value, basis: gain.basis },
            confidence: savedHere ? 'high' : 'medium',
            after: ctx.lines.moveUp(run.lines, copy.lines.start),
          }),
        );
      }
    }
  }
  return out;
}
