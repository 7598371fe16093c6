// Verified suggestions: each of the top data-backed suggestions is tried on the build's own context.
// In a scratch copy, the edit is applied; the base commit's tree is built with it (so the cache holds
// what the base would leave behind), then the pull request's tree with it; what re-ran and its time
// are compared with the real build, and the final image with the one built without the edit. Same
// docker CLI, builder and cache as the real build; never pushes, never exports a cache; every
// temporary tag and folder is removed; a time budget skips what it cannot finish.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { applyPatch } from 'diff';
import { buildCommand, stageExtraArgs } from '../capture/args.js';
import { detectCaps, type DockerCaps } from '../capture/detect.js';
import { runDocker } from '../capture/docker-cli.js';
import { keyValue, type BuildInputs } from '../capture/inputs.js';
import { runBuild } from '../capture/run-build.js';
import { writeSecrets } from '../capture/secrets.js';
import { buildReport } from '../pipeline/build-report.js';
import type { Redactor } from '../model/redact.js';
import type { BuildReport, Suggestion, Verification } from '../model/report.js';
import { createParser } from '../progress/index.js';
import { imageDifferences, snapshotImage, type ImageSnapshot } from './image.js';
import { measureEdit, minGain, rerunSeconds, round, runStartSeconds, verdict } from './measure.js';
import { buildGraph, type StepGraph } from '../analysis/graph.js';
import { parseDockerfile } from '../dockerfile/parse.js';
import { baseFile, copyContext, copyTree, gitBase, revertToBase, type GitBase } from './scratch.js';

export interface VerifyOpts {
  /** The analysed report of the real build (its suggestions are verified). */
  report: BuildReport;
  /** How the real build was run: the verification builds alike (context, file, target, args, secrets, cache-from, extra args). */
  build: BuildInputs;
  /** The git ref whose merge base with HEAD is the base tree (the pull request's base branch). */
  gitBase: string;
  /** How many of the top data-backed suggestions to verify. */
  count: number;
  /** The budget for all of it; what has not finished then is skipped with a note. */
  timeoutSeconds: number;
  /** Build-arg values and secrets: every progress line and note is redacted with it. */
  redactor: Redactor;
  /** Build args for the base build instead of the real build's (`KEY=value`); by default an ARG the
   *  analysis blamed for a re-run gets a value of its own, so the base differs as it did for real. */
  baseBuildArgs?: string[];
  /** Temporary image tags start with this (a repository name; default `bca-verify`). */
  tagPrefix?: string;
  /** Where the scratch folder goes (default: the OS temp folder). */
  tmpDir?: string;
  log?: (line: string) => void;
  caps?: DockerCaps;
}

export interface VerifyResponse {
  /** Verifications by the suggestion's index in `report.analysis.suggestions`. */
  verifications: Map<number, Verification>;
  seconds: number;
  builds: number;
  notes: string[];
}

interface SideBuild {
  ok: boolean;
  report: BuildReport;
  /** The step graph (from the Dockerfile when given, else rawjson inputs or step order). */
  graph: StepGraph;
  seconds: number;
  timedOut: boolean;
  error: string;
}

class BudgetExceeded extends Error {}

/** Which suggestions are verified: the first `count` data-backed ones (they are ranked). */
export function chosen(suggestions: Suggestion[], count: number): number[] {
  return suggestions
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.evidence === 'data')
    .slice(0, Math.max(0, count))
    .map(({ i }) => i);
}

/** The real build's args for the base, with each ARG blamed for a re-run given a value of its own. */
export function baseArgs(report: BuildReport, buildArgs: string[], overrides: string[] | undefined): string[] {
  const args = new Map(buildArgs.map((a) => [keyValue(a)?.[0] ?? a, a]));
  if (overrides) {
    for (const o of overrides) args.set(keyValue(o)?.[0] ?? o, o);
    return [...args.values()];
  }
  for (const c of report.analysis?.rootCauses ?? []) {
    if (c.kind !== 'build-arg-changed') continue;
    for (const name of c.args) {
      const value = keyValue(args.get(name) ?? '')?.[1] ?? '';
      args.set(name, `${name}=${value}-bca-verify-base`);
    }
  }
  return [...args.values()];
}

function emptyVerification(status: 'failed' | 'skipped', note: string, costSeconds = 0): Verification {
  return {
    status,
    baseRerunSeconds: null,
    withEditRerunSeconds: null,
    secondsSaved: null,
    stepsKeptCached: [],
    imageDifferences: [],
    note,
    costSeconds: round(costSeconds),
  };
}

function elapsed(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Runs the verification of the top suggestions; never throws for a build or git failure (notes say why). */
export async function verifySuggestions(opts: VerifyOpts): Promise<VerifyResponse> {
  const started = process.hrtime.bigint();
  const deadline = Date.now() + opts.timeoutSeconds * 1000;
  const log = opts.log ?? (() => {});
  const suggestions = opts.report.analysis?.suggestions ?? [];
  const picked = chosen(suggestions, opts.count);
  const verifications = new Map<number, Verification>();
  const notes: string[] = [];
  let builds = 0;
  const done = (): VerifyResponse => ({
    verifications,
    seconds: round(elapsed(started)),
    builds,
    notes: notes.map((n) => opts.redactor.text(n)),
  });
  const skipAll = (status: 'failed' | 'skipped', text: string) => {
    const note = opts.redactor.text(text);
    for (const i of picked) if (!verifications.has(i)) verifications.set(i, emptyVerification(status, note));
    notes.push(note);
    return done();
  };
  if (!picked.length) {
    notes.push('no suggestion backed by this build to verify');
    return done();
  }
  const b = opts.build;
  if (b.platforms.length > 1) return skipAll('skipped', 'a multi-platform build cannot be loaded to compare images');
  if (b['extra-args'].includes('--no-cache'))
    return skipAll('skipped', 'the build ran with --no-cache: there is no cache to keep');
  const dockerfilePath = resolve(b.file || join(b.context, 'Dockerfile'));
  const contextDir = resolve(b.context);

  let caps: DockerCaps;
  let base: GitBase;
  try {
    caps = opts.caps ?? (await detectCaps(b.docker));
    base = await gitBase(contextDir, opts.gitBase);
  } catch (err) {
    return skipAll('failed', (err as Error).message);
  }

  const id = randomBytes(4).toString('hex');
  const repo = `${opts.tagPrefix ?? 'bca-verify'}-${id}`;
  const scratch = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'bca-verify-'));
  const tags: string[] = [];
  const secrets = await writeSecrets(b.secrets);
  try {
    const build = async (
      label: string,
      ctx: string,
      file: string,
      buildArgs: string[],
      dockerfileText: string | null = null,
    ): Promise<SideBuild> => {
      const tag = `${repo}:${label}`;
      tags.push(tag);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new BudgetExceeded();
      const inputs: BuildInputs = {
        ...b,
        context: ctx,
        file,
        'build-args': buildArgs,
        tags: [tag],
        push: false,
        load: caps.buildx,
        'cache-to': [],
        'extra-args': stageExtraArgs(b['extra-args']),
      };
      const command = buildCommand(inputs, caps, { secretArgs: secrets.args, metadataFile: null });
      const parser = createParser(command.progress);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), remaining);
      const tail: string[] = [];
      builds++;
      log(`verify: building ${label}`);
      try {
        const r = await runBuild({
          docker: b.docker,
          command,
          progressFile: join(scratch, `${label}.progress.log`),
          redactor: opts.redactor,
          onProgress: (line) => {
            parser.push(`${line}\n`);
            tail.push(line);
            if (tail.length > 5) tail.shift();
          },
          echo: () => {},
          signal: abort.signal,
        });
        const parsedFile = dockerfileText === null ? null : parseDockerfile(dockerfileText);
        const report = buildReport(parser.end(), {
          dockerfile: parsedFile ? { path: file, parsed: parsedFile } : null,
        });
        const timedOut = abort.signal.aborted;
        const error = report.errors[0] ?? tail.filter((l) => !l.startsWith('{')).pop() ?? `exit ${r.exitCode}`;
        const graph = buildGraph(report, parsedFile);
        return { ok: r.exitCode === 0 && !timedOut, report, graph, seconds: r.seconds, timedOut, error };
      } finally {
        clearTimeout(timer);
      }
    };

    // The PR's tree as BuildKit received it, built without the edit: the image to compare with.
    const prDir = join(scratch, 'pr');
    await copyContext(contextDir, prDir);
    const prText = await readFile(dockerfilePath, 'utf8');
    const baseDir = join(scratch, 'base');
    await copyTree(prDir, baseDir);
    await revertToBase(base, contextDir, baseDir);
    const dockerfileInRepo = relative(base.root, dockerfilePath).split(sep).join('/');
    const baseText = base.changed.includes(dockerfileInRepo)
      ? ((await baseFile(base, dockerfileInRepo))?.content.toString('utf8') ?? null)
      : prText;

    let without: ImageSnapshot;
    try {
      const plain = await build('without-edit', prDir, dockerfilePath, b['build-args']);
      if (!plain.ok) {
        return skipAll(
          plain.timedOut ? 'skipped' : 'failed',
          plain.timedOut
            ? `the time budget (${opts.timeoutSeconds} s) ran out building the pull request's tree`
            : `the pull request's tree does not build from a copy of its context: ${plain.error}`,
        );
      }
      const stillRan = plain.report.steps.filter((s) => s.status === 'ran').length;
      if (stillRan)
        notes.push(
          `${stillRan} step(s) re-ran building a copy of the context without the edit (the context is not what the real build had)`,
        );
      without = await snapshotImage(b.docker, `${repo}:without-edit`);
    } catch (err) {
      if (err instanceof BudgetExceeded) return skipAll('skipped', 'the time budget ran out before any build');
      return skipAll('failed', (err as Error).message);
    }

    const argsForBase = baseArgs(opts.report, b['build-args'], opts.baseBuildArgs);
    const own = argsForBase.filter((a) => !b['build-args'].includes(a)).map((a) => keyValue(a)?.[0] ?? a);
    if (own.length && !opts.baseBuildArgs)
      notes.push(
        `the base was built with a value of its own for ${own.map((n) => `ARG ${n}`).join(', ')}, which the analysis blames for a re-run`,
      );
    for (const [n, index] of picked.entries()) {
      const s = suggestions[index];
      const t0 = process.hrtime.bigint();
      const cost = () => elapsed(t0);
      if (Date.now() >= deadline) {
        verifications.set(
          index,
          emptyVerification('skipped', `the time budget (${opts.timeoutSeconds} s) ran out before it`),
        );
        continue;
      }
      log(`verify: ${s.rule} (lines ${s.lines.start}-${s.lines.end})`);
      try {
        verifications.set(
          index,
          await verifyOne({ s, n, prDir, baseDir, scratch, prText, baseText, dockerfilePath, without, cost }),
        );
      } catch (err) {
        const note =
          err instanceof BudgetExceeded || (err as { timedOut?: boolean }).timedOut
            ? `the time budget (${opts.timeoutSeconds} s) ran out during its builds`
            : (err as Error).message;
        const status = err instanceof BudgetExceeded || (err as { timedOut?: boolean }).timedOut ? 'skipped' : 'failed';
        verifications.set(index, emptyVerification(status, opts.redactor.text(note), cost()));
      }
    }
    if ([...verifications.values()].some((v) => v.status === 'skipped'))
      notes.push(`the time budget (${opts.timeoutSeconds} s) ran out: the rest was skipped`);
    return done();

    async function verifyOne(a: {
      s: Suggestion;
      n: number;
      prDir: string;
      baseDir: string;
      scratch: string;
      prText: string;
      baseText: string | null;
      dockerfilePath: string;
      without: ImageSnapshot;
      cost: () => number;
    }): Promise<Verification> {
      const dir = join(a.scratch, `edit-${a.n + 1}`);
      await mkdir(dir, { recursive: true });
      const onIgnore = basename(a.s.file) === '.dockerignore';
      let prCtx = a.prDir;
      let baseCtx = a.baseDir;
      let prFile = a.dockerfilePath;
      let prEditedText = a.prText;
      const baseFilePath = join(dir, 'base.Dockerfile');
      if (onIgnore) {
        // The edit is the context's .dockerignore: trees of their own, the Dockerfiles as they are.
        prCtx = join(dir, 'pr');
        baseCtx = join(dir, 'base');
        await copyTree(a.prDir, prCtx);
        await copyTree(a.baseDir, baseCtx);
        for (const ctx of [prCtx, baseCtx]) {
          const before = await readFile(join(ctx, '.dockerignore'), 'utf8').catch(() => '');
          const after = applyPatch(before, a.s.diff);
          if (after === false)
            return emptyVerification('failed', 'the diff does not apply to the .dockerignore', a.cost());
          await writeFile(join(ctx, '.dockerignore'), after);
        }
        if (a.baseText === null) return emptyVerification('failed', 'the base commit has no such Dockerfile', a.cost());
        await writeFile(baseFilePath, a.baseText);
      } else {
        const prEdited = applyPatch(a.prText, a.s.diff);
        if (prEdited === false)
          return emptyVerification('failed', 'the diff does not apply to the Dockerfile that was built', a.cost());
        const baseEdited = a.baseText === null ? false : applyPatch(a.baseText, a.s.diff);
        if (baseEdited === false)
          return emptyVerification(
            'failed',
            "the diff does not apply to the base commit's Dockerfile (the pull request changed those lines)",
            a.cost(),
          );
        prFile = join(dir, 'pr.Dockerfile');
        prEditedText = prEdited;
        await writeFile(prFile, prEdited);
        await writeFile(baseFilePath, baseEdited);
      }
      const label = `edit-${a.n + 1}`;
      const first = await build(`${label}-base`, baseCtx, baseFilePath, argsForBase);
      if (!first.ok) throw failure(first, "the base commit's tree with the edit");
      const second = await build(label, prCtx, prFile, b['build-args'], prEditedText);
      if (!second.ok) throw failure(second, "the pull request's tree with the edit");
      const withEdit = await snapshotImage(b.docker, `${repo}:${label}`);
      const measured = {
        baseRerunSeconds: rerunSeconds(opts.report),
        ...measureEdit(opts.report, second.report, second.graph),
        imageDifferences: imageDifferences(a.without, withEdit).map((d) => opts.redactor.text(d)),
      };
      const startSeconds = runStartSeconds(opts.report);
      const v = verdict({ ...measured, startSeconds });
      return {
        status: v.status,
        ...measured,
        secondsSaved: v.secondsSaved,
        note:
          v.status === 'changes-image'
            ? 'the final image differs with the edit: not recommended'
            : v.status === 'no-gain'
              ? measured.stepsKeptCached.length
                ? `saves under ${minGain(measured.baseRerunSeconds, startSeconds).toFixed(1)} s, within what re-run steps vary by`
                : 'no step that re-ran stays cached with the edit'
              : second.report.steps.some((x) => x.status === 'ran')
                ? null
                : 'nothing re-ran with the edit: if this change was verified before, the cache may hold that result',
        costSeconds: round(a.cost()),
      };
    }
  } finally {
    await secrets.cleanup();
    for (const tag of tags) await runDocker(b.docker, ['image', 'rm', tag]).catch(() => null);
    await rm(scratch, { recursive: true, force: true });
  }
}

function failure(r: SideBuild, what: string): Error {
  const err = new Error(r.timedOut ? 'timed out' : `${what} does not build: ${r.error}`);
  (err as { timedOut?: boolean }).timedOut = r.timedOut;
  return err;
}

/** The report with each verification on its suggestion and the run's cost and notes (a new value). */
export function withVerifications(report: BuildReport, response: VerifyResponse): BuildReport {
  if (!report.analysis) return report;
  return {
    ...report,
    analysis: {
      ...report.analysis,
      suggestions: report.analysis.suggestions.map((s, i) => {
        const v = response.verifications.get(i);
        return v ? { ...s, verification: v } : s;
      }),
      verification: { seconds: response.seconds, builds: response.builds, notes: response.notes },
    },
  };
}
