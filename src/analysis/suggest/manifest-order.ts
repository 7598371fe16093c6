import type { DockerfileInstruction, DockerfileStage } from '../../dockerfile/parse.js';
import type { Suggestion } from '../../model/report.js';
import { reranSeconds, type RuleContext } from './context.js';
import { ecosystemOf, pipRequirements, type Ecosystem } from './ecosystems.js';
import { copyDest, runCommand } from './text.js';

/** Would this COPY take the manifests along with everything else (`COPY . .`, `COPY ./ /app`)? */
function isBroadCopy(inst: DockerfileInstruction): boolean {
  return (inst.keyword === 'COPY' || inst.keyword === 'ADD') && inst.sources.some((s) => /^(?:\.\/?|\*|\/)$/.test(s));
}

function manifestsFor(eco: Ecosystem, command: string, ctx: RuleContext): string[] {
  if (eco.name === 'pip') return pipRequirements(command);
  const present = eco.manifests.filter((m) => !m.endsWith('*') || ctx.inContext(m.slice(0, -1)) !== false);
  return present.map((m) => (m.endsWith('*') && ctx.inContext(m.slice(0, -1)) === true ? m.slice(0, -1) : m));
}

function copiesManifests(inst: DockerfileInstruction, manifests: string[]): boolean {
  const names = manifests.map((m) => m.replace(/\*$/, ''));
  return (
    (inst.keyword === 'COPY' || inst.keyword === 'ADD') &&
    !isBroadCopy(inst) &&
    names.every((n) =>
      inst.sources.some(
        (s) => s.replace(/\*$/, '') === n || s === `${n}*` || (s.includes('*') && n.startsWith(s.split('*')[0])),
      ),
    )
  );
}

function forStage(stage: DockerfileStage, ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const install of stage.steps.filter((s) => s.keyword === 'RUN')) {
    const command = runCommand(install);
    const eco = ecosystemOf(command);
    if (!eco) continue;
    const before = stage.steps.filter((s) => s.lines.end < install.lines.start);
    const broad = before.filter(isBroadCopy).pop();
    if (!broad) continue; // the sources come after the install: fine
    // Dependencies already installed above the sources: a second install after them (e.g. `uv sync`
    // installing the project itself) needs the sources.
    const installedAbove = before.some(
      (s) => s.lines.end < broad.lines.start && s.keyword === 'RUN' && ecosystemOf(runCommand(s))?.name === eco.name,
    );
    if (installedAbove) continue;
    const manifests = manifestsFor(eco, command, ctx);
    if (!manifests.length) continue;
    const between = ctx.between(stage, broad, install);
    const protectedAlready = before.some((s) => s.lines.end < broad.lines.start && copiesManifests(s, manifests));
    const installStep = ctx.step(install);
    const root = ctx.rootOf(installStep);
    // Data: the install re-ran only because the broad COPY did, and not for a manifest.
    const manifestChanged =
      root?.id &&
      ctx.report.analysis?.rootCauses
        .find((c) => c.stepId === root.id)
        ?.files.some((f) => manifests.some((m) => f === m.replace(/\*$/, '')));
    const dataBacked = root !== null && ctx.step(broad)?.id === root.id && !manifestChanged;
    // Several sources need a directory destination that ends in `/`.
    const dest = copyDest(broad).replace(/\/?$/, '/');
    const copyLine = `COPY ${manifests.join(' ')} ${dest}`;
    let after: string;
    if (eco.kind === 'move') {
      // Moving the install above the COPY must not change what it sees: no WORKDIR/USER/RUN/COPY between.
      if (between.some((i) => !['ENV', 'ARG', 'LABEL'].includes(i.keyword))) continue;
      const block = { start: between.length ? between[0].lines.start : install.lines.start, end: install.lines.end };
      after = ctx.lines.moveUp(block, broad.lines.start, protectedAlready ? [] : [copyLine]);
    } else {
      // A build after its own dependency step (`mvn dependency:go-offline`) is that step's case, not this one.
      const fetched = before.some(
        (s) => s.keyword === 'RUN' && ecosystemOf(runCommand(s))?.manifests[0] === eco.manifests[0],
      );
      if (protectedAlready || fetched) continue;
      after = ctx.lines.insert(broad.lines.start, [copyLine, `RUN ${eco.fetch}`]);
    }
    const saved = dataBacked ? reranSeconds([installStep]) : null;
    out.push(
      ctx.suggestion({
        rule: 'manifest-order',
        title: `Copy the ${eco.name} manifests and install before copying the sources`,
        lines: { start: broad.lines.start, end: install.lines.end },
        why:
          eco.kind === 'move'
            ? `\`${broad.text}\` comes before \`${command.slice(0, 60)}\`, so any source change re-runs the install; with the manifests copied first it re-runs only when they change.`
            : `\`${command.slice(0, 60)}\` downloads dependencies after \`${broad.text}\`, so any source change downloads them again; fetching them after copying only the manifests keeps that step cached.`,
        evidence: dataBacked ? 'data' : 'static',
        savedSeconds: saved,
        protects: installStep ? [installStep.id] : [],
        after,
      }),
    );
  }
  return out;
}

/** Dependency manifests copied together with the sources before the install. */
export function manifestOrder(ctx: RuleContext): Suggestion[] {
  return ctx.dockerfile.stages.flatMap((stage) => forStage(stage, ctx));
}
