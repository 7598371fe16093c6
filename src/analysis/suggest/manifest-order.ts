import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerfileInstruction, DockerfileStage } from '../../dockerfile/parse.js';
import type { ShellCommand } from '../../dockerfile/shell.js';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import {
  classify,
  ECOSYSTEMS,
  ecosystemOf,
  fetchesDependencies,
  isSetup,
  pipRequirements,
  type Ecosystem,
} from './ecosystems.js';
import { copyDest } from './text.js';

/** Would this COPY take the manifests along with everything else (`COPY . .`, `COPY ./ /app`)? */
function isBroadCopy(inst: DockerfileInstruction): boolean {
  return (
    (inst.keyword === 'COPY' || inst.keyword === 'ADD') &&
    inst.from.length === 0 &&
    inst.sources.some((s) => /^(?:\.\/?|\*|\/)$/.test(s))
  );
}

function manifestsFor(eco: Ecosystem, command: ShellCommand, ctx: RuleContext): string[] {
  if (eco.name === 'pip') return pipRequirements(command);
  const present = eco.manifests.filter((m) => !m.endsWith('*') || ctx.inContext(m.slice(0, -1)) !== false);
  return present.map((m) => (m.endsWith('*') && ctx.inContext(m.slice(0, -1)) === true ? m.slice(0, -1) : m));
}

function read(ctx: RuleContext, file: string): string | null {
  if (!ctx.contextDir) return null;
  try {
    return readFileSync(join(ctx.contextDir, file), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Reasons the install needs more than its manifests, read from the context: npm/yarn/pnpm workspaces or
 * lifecycle scripts, a Gemfile that loads a gemspec, requirements that install the project itself.
 */
function needsSources(eco: Ecosystem, command: ShellCommand, manifests: string[], ctx: RuleContext): boolean {
  if (['npm', 'yarn', 'pnpm'].includes(eco.name)) {
    if (ctx.inContext('pnpm-workspace.yaml') || ctx.inContext('lerna.json')) return true;
    const pkg = read(ctx, 'package.json');
    if (!pkg) return false;
    try {
      const json = JSON.parse(pkg) as { workspaces?: unknown; scripts?: Record<string, string> };
      if (json.workspaces) return true;
      const scripts = Object.keys(json.scripts ?? {});
      const lifecycle = ['preinstall', 'install', 'postinstall', 'prepare'].some((k) => scripts.includes(k));
      return lifecycle && !command.args.includes('--ignore-scripts');
    } catch {
      return false;
    }
  }
  if (eco.name === 'go-build' && (ctx.inContext('vendor') || command.args.some((a) => a.includes('-mod=vendor'))))
    return true;
  if (eco.name === 'bundler') return /^\s*gemspec\b/m.test(read(ctx, 'Gemfile') ?? '');
  if (eco.name === 'pip') return manifests.some((m) => /^\s*(?:-e\s+)?\.(?:\[.*\])?\s*$/m.test(read(ctx, m) ?? ''));
  return false;
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

/** Instructions between the sources and the install that the install can be moved past. */
function movable(ctx: RuleContext, i: DockerfileInstruction): boolean {
  if (['ENV', 'ARG', 'LABEL'].includes(i.keyword)) return true;
  if (i.keyword !== 'RUN') return false;
  // A RUN that sets the system up (corepack, apt, a tool install) does not read the copied files.
  const { commands } = ctx.script(i);
  return (
    commands.length > 0 &&
    commands.every(
      (c) =>
        isSetup(c) ||
        (c.name === 'corepack' && c.args[0] === 'enable') ||
        (['npm', 'yarn', 'pnpm', 'pip', 'pip3', 'git'].includes(c.name) && c.args[0] === 'config') ||
        classify(c) === 'system',
    )
  );
}

function forStage(stage: DockerfileStage, ctx: RuleContext, chain: DockerfileStage[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const install of stage.steps.filter((s) => s.keyword === 'RUN')) {
    const found = ecosystemOf(ctx.script(install).commands);
    if (!found) continue;
    const { eco, command } = found;
    const before = stage.steps.filter((s) => s.lines.end < install.lines.start);
    const broad = before.filter(isBroadCopy).pop();
    if (!broad) continue; // the sources come after the install: fine
    // Dependencies already installed or fetched before the sources (in this stage or the stages it is built
    // on: cargo-chef's `cargo chef cook`, `uv sync --no-install-project`, a first `npm ci`): protected already.
    const earlier = [...chain.flatMap((s) => s.steps), ...before.filter((s) => s.lines.end < broad.lines.start)].filter(
      (s) => s.keyword === 'RUN',
    );
    const family = (name: string | null | undefined) => ECOSYSTEMS.find((e) => e.name === name)?.manifests[0];
    const covered = earlier.some((s) =>
      ctx
        .script(s)
        .commands.some(
          (c) =>
            family(ecosystemOf([c])?.eco.name) === eco.manifests[0] ||
            family(fetchesDependencies(c)) === eco.manifests[0],
        ),
    );
    if (covered) continue;
    const manifests = manifestsFor(eco, command, ctx);
    if (!manifests.length || needsSources(eco, command, manifests, ctx)) continue;
    // A manifest the context does not have: the edit would not build.
    if (manifests.some((m) => !m.includes('*') && ctx.inContext(m) === false)) continue;
    const between = ctx.between(stage, broad, install);
    const protectedAlready = before.some((s) => s.lines.end < broad.lines.start && copiesManifests(s, manifests));
    const installStep = ctx.step(install);
    const root = ctx.rootOf(installStep);
    // Saved here: the install re-ran only because the broad COPY did, and not for a manifest.
    const manifestChanged =
      root?.id &&
      ctx.report.analysis?.rootCauses
        .find((c) => c.stepId === root.id)
        ?.files.some((f) => manifests.some((m) => f === m.replace(/\*$/, '')));
    const savedHere = root !== null && ctx.step(broad)?.id === root.id && !manifestChanged;
    // Several sources need a directory destination that ends in `/`.
    const dest = copyDest(broad).replace(/\/?$/, '/');
    const copyLine = `COPY ${manifests.join(' ')} ${dest}`;
    let after: string;
    if (eco.kind === 'move') {
      // The install moves above the sources, past instructions that do not read them; the sources follow it.
      if (between.some((i) => !movable(ctx, i))) continue;
      const moved = ctx.lines.moveDown(broad.lines, install.lines.end + 1);
      const lines = moved.split('\n');
      if (!protectedAlready) lines.splice(broad.lines.start - 1, 0, copyLine);
      after = lines.join('\n');
    } else {
      if (protectedAlready) continue;
      after = ctx.lines.insert(broad.lines.start, [copyLine, `RUN ${eco.fetch!(command)}`]);
    }
    const gain = ctx.timeGain([install]);
    out.push(
      ctx.suggestion({
        rule: 'manifest-order',
        title: `Copy the ${eco.name.replace(/-(?:build|project)$/, '')} manifests and install before copying the sources`,
        lines: { start: broad.lines.start, end: install.lines.end },
        why:
          eco.kind === 'move'
            ? `\`${broad.text}\` comes before \`${command.text.slice(0, 60)}\`, so any source change re-runs the install; with the manifests copied first it re-runs only when they change.`
            : `\`${command.text.slice(0, 60)}\` downloads dependencies after \`${broad.text}\`, so any source change downloads them again; fetching them after copying only the manifests keeps that step cached.`,
        savedSeconds: savedHere ? gain.value : null,
        protects: installStep ? [installStep.id] : [],
        gain: { kind: 'seconds', value: gain.value, basis: gain.basis },
        confidence: savedHere ? 'high' : 'medium',
        after,
      }),
    );
  }
  return out;
}

/** The stages a stage is built on (`FROM deps AS build`), nearest last. */
export function baseChain(ctx: RuleContext, stage: DockerfileStage): DockerfileStage[] {
  const chain: DockerfileStage[] = [];
  let current = stage;
  while (current.baseIsStage) {
    const base = ctx.dockerfile.stages.find((s) => s.name === current.base && s.position < current.position);
    if (!base || chain.includes(base)) break;
    chain.unshift(base);
    current = base;
  }
  return chain;
}

/** Dependency manifests copied together with the sources before the install. */
export function manifestOrder(ctx: RuleContext): Suggestion[] {
  return ctx.dockerfile.stages.flatMap((stage) => forStage(stage, ctx, baseChain(ctx, stage)));
}
