import { posix } from 'node:path';
import { findStage, type DockerfileInstruction, type DockerfileStage } from '../../dockerfile/parse.js';
import type { ShellCommand, ShellScript } from '../../dockerfile/shell.js';
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
import { copyDest, type LineEdit } from './text.js';

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

/**
 * Reasons the install needs more than its manifests, read from the context: npm/yarn/pnpm workspaces or
 * lifecycle scripts, a Gemfile that loads a gemspec, requirements that install the project itself.
 */
function needsSources(eco: Ecosystem, command: ShellCommand, manifests: string[], ctx: RuleContext): boolean {
  if (['npm', 'yarn', 'pnpm'].includes(eco.name)) {
    if (ctx.inContext('pnpm-workspace.yaml') || ctx.inContext('lerna.json')) return true;
    const pkg = ctx.readContext('package.json');
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
  if (eco.name === 'cargo' && /^\s*\[workspace\]/m.test(ctx.readContext('Cargo.toml') ?? '')) return true;
  if (eco.name === 'bundler') return /^\s*gemspec\b/m.test(ctx.readContext('Gemfile') ?? '');
  if (eco.name === 'pip')
    return manifests.some((m) => /^\s*(?:-e\s+)?\.(?:\[.*\])?\s*$/m.test(ctx.readContext(m) ?? ''));
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
        (c.name === 'corepack' && ['enable', 'prepare'].includes(c.args[0])) ||
        (['npm', 'yarn', 'pnpm', 'pip', 'pip3', 'git', 'bundle', 'poetry'].includes(c.name) &&
          c.args[0] === 'config') ||
        classify(c) === 'system',
    )
  );
}

/** The working directory after a WORKDIR, from `dir` (null: not known). */
function cd(dir: string | null, workdir: DockerfileInstruction): string | null {
  const value = workdir.text.replace(/^WORKDIR\s+/i, '').trim();
  return posix.isAbsolute(value) ? posix.normalize(value) : dir ? posix.join(dir, value) : null;
}

/** The working directory at the end of a stage: its WORKDIRs after those of the stages it is built on. */
function workdirAfter(ctx: RuleContext, stage: DockerfileStage): string | null {
  return ctx.foldChain<string | null>('workdir', stage, (dir, s) => {
    let out = dir ?? null;
    for (const i of s.instructions) if (i.keyword === 'WORKDIR') out = cd(out, i);
    return out;
  });
}

/** The family of an ecosystem: its first manifest (npm, yarn and pnpm share `package.json`). */
const family = (name: string | null | undefined) => ECOSYSTEMS.find((e) => e.name === name)?.manifests[0];

/** The families a RUN installs or fetches. */
function familiesOf(ctx: RuleContext, run: DockerfileInstruction): string[] {
  const script = ctx.script(run);
  let out = familiesOfScript.get(script);
  if (out) return out;
  out = [];
  for (const c of script.commands)
    for (const f of [family(ecosystemOf([c])?.eco.name), family(fetchesDependencies(c))])
      if (f !== undefined && !out.includes(f)) out.push(f);
  familiesOfScript.set(script, out);
  return out;
}

// Per parsed script: RUNs of the same text share one parse (`RuleContext.parse`), so a RUN repeated in every stage
// is read once, by the index and by each stage's pass alike.
const familiesOfScript = new WeakMap<ShellScript, string[]>();

/**
 * The families installed before each instruction by the RUNs that ran for what it builds on: earlier in its stage,
 * in the stages it is built on, and in the stages it copies or mounts from (each whole, with theirs). Built once
 * per Dockerfile in one pass, stages in order (a stage reads only earlier ones): walking the stages a RUN builds
 * on per RUN, each base with its own bases again, took minutes on 50 stages built one on another.
 */
function installedIndex(ctx: RuleContext): InstalledIndex {
  const known = installed.get(ctx);
  if (known) return known;
  // By an instruction's first line, with the instruction itself (one of another parse is not in it): arrays,
  // not a map keyed by 100,000 instructions.
  const before: InstalledIndex = { inst: [], families: [] };
  const whole = new Map<DockerfileStage, ReadonlySet<string>>();
  const earlier = (stage: DockerfileStage, ref: string) => {
    const source = findStage(ctx.dockerfile, ref);
    return source && source.position < stage.position ? whole.get(source) : undefined;
  };
  for (const stage of ctx.dockerfile.stages) {
    // A set is copied only when it grows: a stage holds a few, however long it is.
    let set: Set<string> = new Set();
    let shared = false;
    const add = (families: Iterable<string>) => {
      for (const f of families) {
        if (set.has(f)) continue;
        if (shared) [set, shared] = [new Set(set), false];
        set.add(f);
      }
    };
    const base = ctx.baseOf(stage);
    if (base) add(whole.get(base) ?? []); // it holds the stages it is built on
    for (const inst of stage.steps[0] === stage.from ? [stage.from, ...stage.instructions] : stage.instructions) {
      shared = true;
      before.inst[inst.lines.start] = inst;
      before.families[inst.lines.start] = set;
      if (inst.keyword === 'RUN') add(familiesOf(ctx, inst));
      for (const ref of inst.from) add(earlier(stage, ref) ?? []);
    }
    whole.set(stage, set);
    shared = true;
  }
  installed.set(ctx, before);
  return before;
}

interface InstalledIndex {
  inst: DockerfileInstruction[];
  families: ReadonlySet<string>[];
}

const installed = new WeakMap<RuleContext, InstalledIndex>();

/** Dependencies of the family installed or fetched before `inst` (cargo-chef's cook, a first `npm ci`, ...). */
export function installedBefore(ctx: RuleContext, inst: DockerfileInstruction, eco: Ecosystem): boolean {
  const index = installedIndex(ctx); // every instruction of a stage is in it
  const line = inst.lines.start;
  return index.inst[line] === inst && index.families[line].has(eco.manifests[0]);
}

/** `COPY` lines for the manifests: one per folder, so `requirements/prod.txt` lands where the install reads it. */
function copyLines(manifests: string[], prefix: string, dest: string): string[] {
  const byDir = new Map<string, string[]>();
  for (const m of manifests) {
    const dir = posix.dirname(m.replace(/\*$/, ''));
    byDir.set(dir, [...(byDir.get(dir) ?? []), prefix + m]);
  }
  return [...byDir].map(
    ([dir, files]) => `COPY ${files.join(' ')} ${dir === '.' ? dest : posix.join(dest, dir) + '/'}`,
  );
}

function forStage(stage: DockerfileStage, ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  // One pass over the stage in line order, keeping what each install asks of the steps before it: the last broad
  // COPY, the families installed since, and (per set of manifests) whether one was copied before that COPY.
  // Asking the whole stage per install was quadratic in a long stage.
  let broad: DockerfileInstruction | null = null;
  let broadAt = 0;
  let sinceBroad = new Set<string>();
  const copied = new Map<string, { next: number; found: boolean }>();
  const copiedBefore = (manifests: string[]) => {
    const key = manifests.join('\u0000');
    let scan = copied.get(key);
    if (!scan) copied.set(key, (scan = { next: 0, found: false }));
    for (; scan.next < broadAt && !scan.found; scan.next++)
      scan.found = copiesManifests(stage.steps[scan.next], manifests);
    return scan.found;
  };
  // The working directory at a line, read forward (every WORKDIR counts, `WORKDIR /` too, which is no step).
  const base = ctx.baseOf(stage);
  let cwd = base ? workdirAfter(ctx, base) : null;
  let read = 0;
  const cwdAt = (line: number) => {
    for (; read < stage.instructions.length && stage.instructions[read].lines.start < line; read++)
      if (stage.instructions[read].keyword === 'WORKDIR') cwd = cd(cwd, stage.instructions[read]);
    return cwd;
  };
  let cwdAtCopy: string | null = null;
  for (let at = 0; at < stage.steps.length; at++) {
    const install = stage.steps[at];
    if (isBroadCopy(install)) {
      [broad, broadAt, sinceBroad, cwdAtCopy] = [install, at, new Set(), cwdAt(install.lines.start)];
      continue;
    }
    // Before a broad COPY nothing can be moved above one: the families installed count only after it.
    if (install.keyword !== 'RUN' || !broad) continue;
    const families = familiesOf(ctx, install);
    const before = { sinceBroad, copiedBefore, cwdAtCopy, cwd: cwdAt(install.lines.start) };
    const suggestion = forInstall(stage, ctx, install, broad, before);
    if (suggestion) out.push(suggestion);
    for (const f of families) sinceBroad.add(f);
  }
  return out;
}

/** What an install asks of the steps before it (see `forStage`). */
interface Before {
  /** Families installed since the broad COPY. */
  sinceBroad: ReadonlySet<string>;
  /** Whether these manifests were copied before the broad COPY. */
  copiedBefore: (manifests: string[]) => boolean;
  /** The working directory at the broad COPY, and at the install. */
  cwdAtCopy: string | null;
  cwd: string | null;
}

/** The edit for one install after the broad COPY `broad`, or null. */
function forInstall(
  stage: DockerfileStage,
  ctx: RuleContext,
  install: DockerfileInstruction,
  broad: DockerfileInstruction,
  { sinceBroad, copiedBefore, cwdAtCopy, cwd }: Before,
): Suggestion | null {
  const script = ctx.script(install);
  const found = ecosystemOf(script.commands);
  if (!found) return null;
  const { eco, command } = found;
  // An earlier install of the same family after the sources (`go mod download` before `go build`) is the one
  // to move: this one is then protected with it.
  if (sinceBroad.has(eco.manifests[0])) return null;
  const manifests = manifestsFor(eco, command, ctx);
  if (!manifests.length || manifests.some((m) => m.startsWith('/') || m.startsWith('..'))) return null;
  if (needsSources(eco, command, manifests, ctx)) return null;
  // A manifest the context does not have: the edit would not build.
  if (manifests.some((m) => !m.includes('*') && ctx.inContext(m) === false)) return null;
  // Dependencies already installed or fetched before the sources: protected already. Asked last: the first question
  // reads every RUN of the file (see `installedIndex`), the others only this one.
  if (installedBefore(ctx, broad, eco)) return null;
  const between = ctx.between(stage, broad, install);
  const protectedAlready = copiedBefore(manifests);
  const installStep = ctx.step(install);
  const root = ctx.rootOf(installStep);
  // Saved here: the install re-ran only because the broad COPY's files changed, and not for a manifest.
  const cause = ctx.causeAt(root);
  const manifestChanged = cause?.files.some((f) => manifests.some((m) => f === m.replace(/\*$/, '')));
  const savedHere =
    ctx.discriminating &&
    root !== null &&
    ctx.step(broad)?.id === root.id &&
    cause?.kind === 'content-changed' &&
    !manifestChanged;
  // Where the sources land, and where the install runs.
  const dest = copyDest(broad).replace(/\/?$/, '/');
  const absDest = posix.isAbsolute(dest) ? posix.normalize(dest) : cwdAtCopy ? posix.join(cwdAtCopy, dest) : null;
  let after: string | LineEdit;
  if (eco.kind === 'move') {
    // The install moves above the sources, past instructions that do not read them; the sources follow it. A
    // WORKDIR into the copied tree (`COPY . /src` then `WORKDIR /src/ui`) moves up too: its manifests are then
    // copied from that folder.
    const workdirs = between.filter((i) => i.keyword === 'WORKDIR');
    if (between.some((i) => i.keyword !== 'WORKDIR' && !movable(ctx, i))) return null;
    let prefix = '';
    let target = dest;
    if (workdirs.length) {
      if (!cwd || !absDest) return null;
      const rel = posix.relative(absDest, cwd);
      if (rel.startsWith('..') || posix.isAbsolute(rel)) return null;
      prefix = rel ? `${rel}/` : '';
      target = './';
    }
    // An edit of the lines from the sources to the install (a whole-file copy each was quadratic).
    const moved = ctx.lines.moveDown(broad.lines, install.lines.end + 1);
    // The install now starts where it started, less the lines of the COPY that went below it.
    const at = install.lines.start - broad.lines.start - (broad.lines.end - broad.lines.start + 1);
    if (!protectedAlready) moved.lines.splice(at, 0, ...copyLines(manifests, prefix, target));
    after = moved;
  } else {
    if (protectedAlready || between.some((i) => i.keyword === 'WORKDIR')) return null;
    // The fetch runs where the install ran: the links of its chain before the install (`poetry config ...`),
    // then the fetch; in the sources' folder when the working directory is another.
    const links = script.chain;
    const index = links
      ? links.findIndex((l) => ctx.parse(l).commands.some((c) => c === command || c.text === command.text))
      : -1;
    if (!links && script.commands.length > 1) return null;
    const setup = links && index > 0 ? links.slice(0, index) : [];
    const link = links && index >= 0 ? links[index] : command.text;
    const cd = absDest && posix.isAbsolute(dest) && absDest !== cwdAtCopy ? [`cd ${absDest}`] : [];
    const flags = (
      ctx.lines
        .slice(install.lines)[0]
        .replace(/^\s*RUN\s+/i, '')
        .match(/^(?:--\S+\s+)*/)![0]
        .match(/--\S+/g) ?? []
    )
      .filter((f) => !/type=bind/.test(f))
      .map((f) => `${f} `)
      .join('');
    const fetch = [...cd, ...setup, eco.fetch!(command, link)].join(' \\\n    && ');
    after = ctx.lines.insert(broad.lines.start, [...copyLines(manifests, '', dest), `RUN ${flags}${fetch}`]);
  }
  const gain = ctx.timeGain([install]);
  return ctx.suggestion({
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
  });
}

/** Dependency manifests copied together with the sources before the install. */
export function manifestOrder(ctx: RuleContext): Suggestion[] {
  return ctx.dockerfile.stages.flatMap((stage) => forStage(stage, ctx));
}
