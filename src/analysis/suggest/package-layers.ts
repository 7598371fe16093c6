import type { DockerfileInstruction } from '../../dockerfile/parse.js';
import type { ShellCommand } from '../../dockerfile/shell.js';
import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { mergedRun, mounts } from './text.js';

const apt = (c: ShellCommand) => c.name === 'apt-get' || c.name === 'apt';
const aptUpdate = (c: ShellCommand) => apt(c) && c.args.includes('update');
const aptInstall = (c: ShellCommand) => apt(c) && c.args.includes('install');
const aptListsRemoved = (c: ShellCommand) => c.name === 'rm' && c.args.some((a) => a.startsWith('/var/lib/apt/lists'));
const apkAdd = (c: ShellCommand) => c.name === 'apk' && c.args.includes('add');

// What the package lists and the apk index weigh in a layer, without a measurement.
const APT_LISTS_BYTES = 20_000_000;
const APK_INDEX_BYTES = 2_500_000;

/** apt and apk patterns that go stale or bloat layers. */
export function packageLayers(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  // Bytes matter in the layers the image keeps: a build stage thrown away keeps none of them.
  const image = new Set(ctx.imageStages());
  for (const stage of ctx.dockerfile.stages) {
    const kept = image.has(stage);
    const runs = stage.steps.filter((s) => s.keyword === 'RUN');
    // The next RUN that installs, after each RUN: one walk from the end, not a search per RUN.
    const nextInstall: (DockerfileInstruction | undefined)[] = [];
    for (let i = runs.length - 1, next: DockerfileInstruction | undefined; i >= 0; i--) {
      nextInstall[i] = next;
      if (ctx.script(runs[i]).commands.some(aptInstall)) next = runs[i];
    }
    for (const [i, run] of runs.entries()) {
      const { commands } = ctx.script(run);
      const cached = mounts(run).some((m) => m.includes('type=cache'));
      const install = nextInstall[i];
      if (
        commands.length > 0 &&
        commands.every(aptUpdate) &&
        install &&
        !ctx.script(install).commands.some(aptUpdate)
      ) {
        // Remove the lone update and run it in the install's RUN.
        // One window from the update to the install: the lines between, then the install with the update in it.
        const edit = ctx.lines.replace({ start: run.lines.start, end: install.lines.end }, [
          ...ctx.lines.slice({ start: run.lines.end + 1, end: install.lines.start - 1 }),
          ...mergedRun(ctx.lines.slice(run.lines), ctx.lines.slice(install.lines)),
        ]);
        out.push(
          ctx.suggestion({
            rule: 'apt-update-alone',
            title: 'Run apt-get update in the same RUN as apt-get install',
            lines: { start: run.lines.start, end: install.lines.end },
            why: 'A cached `apt-get update` layer keeps old package lists, so a later change to the install list fetches stale or missing versions.',
            savedSeconds: null,
            protects: [],
            gain: { kind: 'correctness', value: null, basis: 'estimated' },
            confidence: 'high',
            after: edit,
          }),
        );
      }
      if (kept && commands.some(aptInstall) && commands.some(aptUpdate) && !commands.some(aptListsRemoved) && !cached) {
        const source = ctx.lines.slice(run.lines);
        source[source.length - 1] =
          `${source[source.length - 1].replace(/\s+$/, '')} \\\n    && rm -rf /var/lib/apt/lists/*`;
        const step = ctx.step(run);
        const measured = step?.sizeBytes ?? null;
        out.push(
          ctx.suggestion({
            rule: 'apt-cleanup',
            title: 'Remove apt package lists in the same RUN',
            lines: run.lines,
            why: `The package lists (tens of MB) stay in this layer${measured ? ` of ${Math.round(measured / 1e6)} MB` : ''} unless the same RUN deletes them.`,
            savedSeconds: null,
            protects: [],
            gain: {
              kind: 'bytes',
              value: measured === null ? APT_LISTS_BYTES : Math.min(measured, APT_LISTS_BYTES),
              basis: measured === null ? 'estimated' : 'measured',
            },
            confidence: 'high',
            after: ctx.lines.replace(run.lines, source.join('\n').split('\n')),
          }),
        );
      }
      const noCache = (c: ShellCommand) => c.args.includes('--no-cache');
      const cleaned = commands.some((c) => c.name === 'rm' && c.args.some((a) => a.startsWith('/var/cache/apk')));
      if (kept && commands.some((c) => apkAdd(c) && !noCache(c)) && !cached && !cleaned) {
        const source = ctx.lines.slice(run.lines);
        const k = source.findIndex((l) => /\bapk\b.*\badd\b/.test(l) && !/--no-cache/.test(l));
        if (k === -1) continue;
        source[k] = source[k].replace(/\bapk((?: -\S+)*) add\b/, 'apk$1 add --no-cache');
        out.push(
          ctx.suggestion({
            rule: 'apk-no-cache',
            title: 'Install apk packages with --no-cache',
            lines: run.lines,
            why: 'Without --no-cache the package index stays in the layer and bloats the image.',
            savedSeconds: null,
            protects: [],
            gain: { kind: 'bytes', value: APK_INDEX_BYTES, basis: 'estimated' },
            confidence: 'medium',
            after: ctx.lines.replace(run.lines, source),
          }),
        );
      }
    }
  }
  return out;
}
