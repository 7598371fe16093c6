import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import type { ShellCommand } from '../../dockerfile/shell.js';
import { ECOSYSTEMS, ecosystemOf, type Ecosystem } from './ecosystems.js';
import { installedBefore } from './manifest-order.js';
import { mounts } from './text.js';

/** The same RUN empties the cache itself (`yarn cache clean`, `rm -rf /root/.m2/repository`): it wants none. */
function cleansCache(c: ShellCommand): boolean {
  if (['npm', 'yarn', 'pnpm'].includes(c.name) && c.args[0] === 'cache') return true;
  if (['pip', 'pip3'].includes(c.name) && c.args[0] === 'cache') return true;
  if (c.name === 'composer' && ['clear-cache', 'clearcache', 'cc'].includes(c.args[0])) return true;
  return c.name === 'rm' && c.args.some((a) => /\.cache|\.m2|\.npm|\.gradle|cargo\/registry|\/go\/pkg/.test(a));
}

/** Where the manager keeps its downloads in this stage's image, when the image says otherwise than the default. */
function cacheDir(eco: Ecosystem, base: string): string | null {
  const image = base.replace(/^docker\.io\/(?:library\/)?/, '');
  if (eco.cache === '/root/.gradle' && /^gradle[:@]/.test(image)) return '/home/gradle/.gradle';
  if (eco.cache?.includes('composer') && /^composer[:@]/.test(image)) return '/tmp/cache';
  return eco.cache;
}

// Of an install's re-run time, the share a warm download cache saves (the packages are still unpacked).
const DOWNLOAD_SHARE = 0.5;

/** Package-manager installs that download everything again on every run, where a cache mount would keep it. */
export function cacheMount(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    for (const run of stage.steps.filter((s) => s.keyword === 'RUN')) {
      const { commands } = ctx.script(run);
      const found = ecosystemOf(commands);
      const eco = found?.eco;
      if (!eco?.cache) continue;
      if (mounts(run).some((m) => m.includes('type=cache'))) continue;
      // One RUN for several managers (`if [ -f yarn.lock ] ... elif ... npm ci`): no one cache to mount.
      const families = new Set(
        commands.map((c) => ECOSYSTEMS.find((e) => e.install(c))?.name).filter((f) => f !== undefined),
      );
      if (families.size > 1 || commands.some(cleansCache)) continue;
      // Yarn 2+ keeps its cache in the project (.yarn/cache), not where yarn 1 does.
      if (
        eco.name === 'yarn' &&
        (ctx.inContext('.yarnrc.yml') || commands.some((c) => /yarn@[2-9]/.test(c.args.join(' '))))
      )
        continue;
      // Go without modules (GOPATH) or with them vendored downloads nothing into the module cache.
      if (
        eco.cache === '/go/pkg/mod' &&
        (ctx.inContext('go.mod') === false ||
          ctx.inContext('vendor') === true ||
          commands.some((c) => c.args.some((a) => a.includes('-mod=vendor'))))
      )
        continue;
      // The dependencies are already there (installed in an earlier step or stage): this install adds little.
      if (installedBefore(ctx, run, eco)) continue;
      const target = cacheDir(eco, stage.base);
      // The cache paths are root's: a USER before the RUN moves them.
      const user = stage.instructions.filter((i) => i.keyword === 'USER' && i.lines.start < run.lines.start).pop();
      if (user && !/^USER\s+(?:root|0)(?::\S+)?$/i.test(user.text)) continue;
      const source = ctx.lines.slice(run.lines);
      const first = source[0].replace(/^(\s*RUN)\s+/i, `$1 --mount=type=cache,target=${target} `);
      // With a cache mount, pip's --no-cache-dir only throws the cache away.
      const edited = [first, ...source.slice(1)].map((l) =>
        eco.name === 'pip' ? l.replace(/\s--no-cache-dir\b/, '') : l,
      );
      const step = ctx.step(run);
      const gain = ctx.timeGain([run]);
      const ranHere = gain.basis === 'measured';
      out.push(
        ctx.suggestion({
          rule: 'cache-mount',
          title: `Keep ${eco.name.replace(/-(?:build|project)$/, '')}'s download cache between builds`,
          lines: run.lines,
          why: `When this step re-runs it downloads every package again${ranHere ? ` (it ran ${step?.seconds ?? '?'} s in this build)` : ''}; a BuildKit cache mount at ${target} keeps the downloads without putting them in the image (where the builder keeps its cache between builds).`,
          savedSeconds: null,
          protects: step ? [step.id] : [],
          gain: { kind: 'seconds', value: Math.round(gain.value * DOWNLOAD_SHARE * 10) / 10, basis: gain.basis },
          confidence: 'low',
          after: ctx.lines.replace(run.lines, edited),
        }),
      );
    }
  }
  return out;
}
