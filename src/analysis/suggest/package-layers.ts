import type { Suggestion } from '../../model/report.js';
import type { RuleContext } from './context.js';
import { runCommand } from './text.js';

const APT_UPDATE_ALONE = /^(?:apt-get|apt) (?:-\S+ )*update(?: -\S+)*$/;
const APT_INSTALL = /\b(?:apt-get|apt) (?:-\S+ )*install\b/;
const APT_CLEAN = /rm -rf \/var\/lib\/apt\/lists/;
const APK_ADD = /\bapk (?:-\S+ )*add\b/;

/** apt and apk patterns that go stale or bloat layers. */
export function packageLayers(ctx: RuleContext): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stage of ctx.dockerfile.stages) {
    const runs = stage.steps.filter((s) => s.keyword === 'RUN');
    for (const [i, run] of runs.entries()) {
      const command = runCommand(run);
      const install = runs.slice(i + 1).find((r) => APT_INSTALL.test(runCommand(r)));
      if (APT_UPDATE_ALONE.test(command) && install && !/\bapt(?:-get)? (?:-\S+ )*update\b/.test(runCommand(install))) {
        // Remove the lone update and run it in the install's RUN.
        const merged = ctx.lines
          .slice(install.lines)
          .map((l, k) => (k === 0 ? l.replace(/^(\s*RUN(?:\s+--\S+)*)\s+/i, '$1 apt-get update && ') : l));
        const edited = ctx.lines.replace(install.lines, merged).split('\n');
        edited.splice(run.lines.start - 1, run.lines.end - run.lines.start + 1);
        out.push(
          ctx.suggestion({
            rule: 'apt-update-alone',
            title: 'Run apt-get update in the same RUN as apt-get install',
            lines: { start: run.lines.start, end: install.lines.end },
            why: 'A cached `apt-get update` layer keeps old package lists, so a later change to the install list fetches stale or missing versions.',
            evidence: 'static',
            savedSeconds: null,
            protects: [],
            after: edited.join('\n'),
          }),
        );
      }
      if (
        APT_INSTALL.test(command) &&
        /\bapt(?:-get)? (?:-\S+ )*update\b/.test(command) &&
        !APT_CLEAN.test(command) &&
        !run.text.includes('type=cache')
      ) {
        const source = ctx.lines.slice(run.lines);
        source[source.length - 1] =
          `${source[source.length - 1].replace(/\s+$/, '')} \\\n    && rm -rf /var/lib/apt/lists/*`;
        const step = ctx.step(run);
        out.push(
          ctx.suggestion({
            rule: 'apt-cleanup',
            title: 'Remove apt package lists in the same RUN',
            lines: run.lines,
            why: `The package lists (tens of MB) stay in this layer${step?.sizeBytes ? ` of ${Math.round(step.sizeBytes / 1e6)} MB` : ''} unless the same RUN deletes them.`,
            evidence: step?.sizeBytes ? 'data' : 'static',
            savedSeconds: null,
            protects: [],
            after: ctx.lines.replace(run.lines, source.join('\n').split('\n')),
          }),
        );
      }
      if (
        APK_ADD.test(command) &&
        !/--no-cache\b/.test(command) &&
        !run.text.includes('type=cache') &&
        !/rm -rf \/var\/cache\/apk/.test(command)
      ) {
        const source = ctx.lines.slice(run.lines);
        const k = source.findIndex((l) => APK_ADD.test(l));
        source[k] = source[k].replace(/\bapk((?: -\S+)*) add\b/, 'apk$1 add --no-cache');
        out.push(
          ctx.suggestion({
            rule: 'apk-no-cache',
            title: 'Install apk packages with --no-cache',
            lines: run.lines,
            why: 'Without --no-cache the package index stays in the layer and bloats the image.',
            evidence: 'static',
            savedSeconds: null,
            protects: [],
            after: ctx.lines.replace(run.lines, source),
          }),
        );
      }
    }
  }
  return out;
}
