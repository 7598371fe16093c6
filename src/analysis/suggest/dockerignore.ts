import { relative, join } from 'node:path';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { unifiedDiff } from './text.js';

/** Entries worth ignoring when the context has them: VCS data, dependencies, build output, caches, secrets. */
const CANDIDATES = [
  '.git',
  'node_modules',
  'dist',
  'build',
  'target',
  'coverage',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.next',
  '.env',
];
const BIG_CONTEXT = 10_000_000;

/** A large or always-changing build context without a .dockerignore. */
export function dockerignore(ctx: RuleContext): Suggestion[] {
  if (!ctx.contextDir || ctx.inContext('.dockerignore')) return [];
  const present = CANDIDATES.filter((c) => ctx.inContext(c));
  if (!present.length) return [];
  const broad = ctx.dockerfile.stages
    .flatMap((s) => s.steps)
    .find((s) => (s.keyword === 'COPY' || s.keyword === 'ADD') && s.sources.some((x) => /^(?:\.\/?|\*)$/.test(x)));
  const bytes = ctx.report.totals.contextBytes;
  const big = bytes !== null && bytes > BIG_CONTEXT;
  if (!big && !(broad && present.includes('.git'))) return [];
  // What it is worth: the context no longer sent (measured), or the steps after the COPY that .git keeps
  // re-running (their time here when they re-ran, else their class estimate).
  const after = broad
    ? ctx.dockerfile.stages
        .flatMap((s) => s.steps)
        .filter((s) => s.keyword === 'RUN' && s.lines.start > broad.lines.end)
    : [];
  const time = ctx.timeGain(after);
  const gain: Suggestion['gain'] = big
    ? { kind: 'bytes', value: bytes, basis: 'measured' }
    : { kind: 'seconds', value: time.value, basis: time.basis };
  const file = join(relative(process.cwd(), ctx.contextDir) || '.', '.dockerignore');
  const content = `${present.join('\n')}\n`;
  const why = big
    ? `The build context is ${Math.round(bytes! / 1e6)} MB and has no .dockerignore: ${present.join(', ')} are sent on every build.`
    : `\`${broad!.text}\` copies .git too, which changes with every commit, so that COPY and everything after it never stay cached.`;
  return [
    {
      rule: 'dockerignore',
      title: 'Add a .dockerignore',
      file,
      lines: broad ? broad.lines : { start: 1, end: 1 },
      why,
      diff: unifiedDiff(file, '', content),
      evidence: gain.basis === 'measured' ? 'data' : 'static',
      savedSeconds: null,
      protects: broad ? [ctx.step(broad)?.id].filter((x): x is string => Boolean(x)) : [],
      gain,
      confidence: big ? 'high' : 'medium',
    },
  ];
}
