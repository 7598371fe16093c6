import { readsVariable, variablesRead, type DockerfileStage } from '../../dockerfile/parse.js';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';

// Set by BuildKit per platform: the same in every build of a platform, so they never invalidate the cache.
const AUTOMATIC =
  /^(?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT)$|^(?:HTTPS?_PROXY|FTP_PROXY|NO_PROXY|ALL_PROXY)$|^BUILDKIT_/i;
// Read from the environment by the tools a RUN calls (`NODE_ENV` by npm, `CGO_ENABLED` by go, ...): such an
// ARG is used by RUNs that never name it.
const TOOL_ENV =
  /^(?:NODE_|NPM_|YARN_|PNPM_|PIP_|PYTHON|POETRY_|UV_|PIPENV_|GO|CGO_|CARGO_|RUST|MAVEN_|GRADLE_|JAVA_|JDK_|DEBIAN_|APT_|BUNDLE_|GEM_|RAILS_|RACK_|COMPOSER_|PHP_|DOTNET_|NUGET_|MSBUILD|CC$|CXX$|CFLAGS|CXXFLAGS|LDFLAGS|PKG_CONFIG|TZ$|LANG$|LC_)/i;

/** The first index of `sorted` whose value is at least `min` (its length when none is). */
function firstAtLeast(sorted: number[], min: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < min) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function forStage(stage: DockerfileStage, ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  const all = stage.instructions;
  const starts = all.map((i) => i.lines.start);
  // Which instructions read each variable, read once: looked up per ARG instead of a scan of the stage per ARG.
  let readers: Map<string, number[]> | null = null;
  const readersOf = (name: string) => {
    if (!readers) {
      readers = new Map();
      all.forEach((inst, i) => {
        for (const v of variablesRead(inst.text)) {
          const list = readers!.get(v);
          if (list) list.push(i);
          else readers!.set(v, [i]);
        }
      });
    }
    return readers.get(name) ?? [];
  };
  for (const arg of stage.args) {
    if (AUTOMATIC.test(arg.name) || TOOL_ENV.test(arg.name)) continue;
    // Every instruction counts as a use: `ENV V=$V` puts it in the environment of every later RUN (and of
    // the stages built on this one).
    const from = firstAtLeast(starts, arg.line + 1);
    let use = -1;
    if (/^\w+$/.test(arg.name)) {
      const list = readersOf(arg.name);
      const k = firstAtLeast(list, from);
      if (k < list.length) use = list[k];
    } else {
      for (let i = from; i < all.length && use === -1; i++) if (readsVariable(all[i].text, arg.name)) use = i;
    }
    if (use === -1) continue; // unused in the file: it may be read by a script; say nothing
    const firstUse = all[use];
    // RUNs between the ARG and its first use re-run whenever its value changes, without needing it.
    const needless = all.slice(from, use).filter((s) => s.keyword === 'RUN');
    if (!needless.length) continue;
    const argInst = all[firstAtLeast(starts, arg.line)];
    const steps = needless.map((s) => ctx.step(s));
    // This build re-ran them because of a change of this ARG at one of them.
    const root = steps.map((s) => ctx.rootOf(s)).find((r) => r !== null);
    const cause = ctx.causeAt(root);
    const savedHere =
      ctx.discriminating &&
      cause?.kind === 'build-arg-changed' &&
      cause.args.includes(arg.name) &&
      steps.some((s) => s?.id === root!.id);
    const gain = ctx.timeGain(needless);
    out.push(
      ctx.suggestion({
        rule: 'arg-placement',
        title: `Declare ARG ${arg.name} just before its first use`,
        lines: { start: arg.line, end: firstUse.lines.end },
        why: `Every RUN after \`ARG ${arg.name}\` re-runs when its value changes; ${needless.length} RUN step(s) before its first use (line ${firstUse.lines.start}) do not use it (if a script reads it from the environment, keep it).`,
        savedSeconds: savedHere ? gain.value : null,
        protects: steps.filter((s) => s !== null).map((s) => s!.id),
        gain: { kind: 'seconds', value: gain.value, basis: gain.basis },
        confidence: savedHere ? 'high' : 'low',
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
