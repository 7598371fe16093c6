import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { isSystemInstall } from './ecosystems.js';

// Packages that compile things and are not needed to run them.
const BUILD_TOOLS =
  /\b(?:build-essential|gcc|g\+\+|clang|make|cmake|autoconf|automake|libtool|pkg-config|build-base|musl-dev|linux-headers|[\w.+-]+-dev(?:el)?)\b/;
const BIG_TOOLS = 50_000_000;
const OUTSIDE_WORKDIR = new Set([
  'pip',
  'pip3',
  'poetry',
  'uv',
  'pipenv',
  'bundle',
  'gem',
  'composer',
  'conda',
  'mvn',
  'gradle',
]);

/**
 * Build tools installed in the stage that becomes the image: split the build into its own stage
 * and copy only the result into a clean one from the same base.
 */
export function multiStage(ctx: RuleContext): Suggestion[] {
  const stages = ctx.dockerfile.stages;
  const last = stages[stages.length - 1];
  if (!last || last.baseIsStage || stages.length > 1) return []; // already multi-stage: the user chose what to keep
  const tools = last.steps.find(
    (s) =>
      s.keyword === 'RUN' &&
      ctx.script(s).commands.some((c) => isSystemInstall(c) && c.args.some((a) => BUILD_TOOLS.test(a))),
  );
  if (!tools) return [];
  // A USER made by a RUN of this stage would not exist in a clean stage: no clean split to offer.
  if (last.instructions.some((i) => i.keyword === 'USER')) return [];
  const workdir = [...last.instructions].reverse().find((i) => i.keyword === 'WORKDIR');
  const dir = workdir ? workdir.text.replace(/^WORKDIR\s+/i, '') : null;
  if (!dir || !dir.startsWith('/') || dir === '/') return []; // nothing well-defined to copy
  // Installs outside the working directory (pip's site-packages, gems, a global composer) would be
  // left behind by copying only that directory: no safe edit to offer.
  const outside = (c: { name: string; args: string[] }) =>
    OUTSIDE_WORKDIR.has(c.name) || (['cargo', 'go'].includes(c.name) && c.args[0] === 'install');
  if (last.steps.some((s) => s.keyword === 'RUN' && ctx.script(s).commands.some(outside))) return [];
  const step = ctx.step(tools);
  const size = step?.sizeBytes ?? null;
  const imageBytes = ctx.report.sizes?.image?.sizeBytes ?? null;
  // Only with the layer measured and big: a split is a real change, worth it only when the data says so.
  if (size === null || size < BIG_TOOLS) return [];
  const from = last.from;
  const fromLine = ctx.lines.slice(from.lines)[0];
  const named = /\s+AS\s+\S+\s*$/i.test(fromLine) ? fromLine : `${fromLine} AS build`;
  const stageName = /\s+AS\s+(\S+)\s*$/i.exec(named)![1];
  const runtime = last.instructions.filter((i) =>
    ['CMD', 'ENTRYPOINT', 'EXPOSE', 'ENV', 'LABEL', 'HEALTHCHECK', 'STOPSIGNAL'].includes(i.keyword),
  );
  const tail = [
    '',
    `FROM ${last.base}`,
    `WORKDIR ${dir}`,
    `COPY --from=${stageName} ${dir} ${dir}`,
    ...runtime.flatMap((i) => ctx.lines.slice(i.lines)),
  ];
  const after = ctx.lines.apply(ctx.lines.replace(from.lines, [named])).replace(/\n*$/, '\n') + tail.join('\n') + '\n';
  const measured = ` (${Math.round(size / 1e6)} MB${imageBytes ? ` of the ${Math.round(imageBytes / 1e6)} MB image` : ''})`;
  return [
    ctx.suggestion({
      rule: 'multi-stage',
      title: 'Leave the build tools in a build stage',
      lines: { start: from.lines.start, end: tools.lines.end },
      why: `The build tools installed at line ${tools.lines.start}${measured} stay in the final image; building in a stage of its own and copying ${dir} into a clean stage leaves them out (check that the runtime needs nothing else they brought).`,
      savedSeconds: null,
      protects: step ? [step.id] : [],
      gain: { kind: 'bytes', value: size, basis: 'measured' },
      confidence: 'medium',
      after,
    }),
  ];
}
