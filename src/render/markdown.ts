import type { BuildReport, Step } from '../model/report.js';
import { escapeHtml, escapeMarkdown, fence } from './escape.js';
import { bytes, lastFrame, oneLine, percent, seconds, stageSteps } from './format.js';

const TAIL_LINES = 10;
/** Suggestions shown in markdown; all of them are in the JSON report. */
const TOP_SUGGESTIONS = 3;

function cell(text: string, max = 80): string {
  return escapeMarkdown(oneLine(text, max));
}

function stepRow(step: Step): string {
  const idx = step.index === null ? '' : `${step.index}/${step.count}`;
  const time = step.status === 'cached' || step.status === 'source' ? '' : seconds(step.seconds);
  const share = step.share === null || step.status === 'source' ? '' : percent(step.share);
  const line = step.lines ? String(step.lines.start) : '';
  const shared = step.sharedWith.length ? ` (ran once, also for ${cell(step.sharedWith.join(', '))})` : '';
  return `| ${idx} | ${step.status} | ${time} | ${share} | ${line} | ${cell(step.text)}${shared} |`;
}

/** The markdown report (job summary, `--format md`): one pure function, joined once. */
export function renderMarkdown(report: BuildReport): string {
  const out: string[] = [];
  const t = report.totals;
  const c = t.counts;
  const state = report.failed ? '❌ build failed' : report.complete ? '✅ complete' : '⚠️ incomplete';
  out.push(`## BuildKit cache analysis`, '');
  out.push(
    `**${state}** · ${t.steps} steps · ${c.cached} cached · ${c.ran} ran · cache hits **${percent(t.cachedRatio)}** · ` +
      (t.wallSeconds === null ? `vertex time ${seconds(t.stepSeconds)}` : `wall time ${seconds(t.wallSeconds)}`),
  );
  for (const reason of report.incompleteReasons) out.push('', `> ${cell(reason, 200)}`);
  out.push(
    '',
    '| Stage | Steps | Cached | Ran | Errors | Cache hits | Time | Size |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const s of report.stages) {
    out.push(
      `| ${cell(s.key, 60)} | ${s.steps} | ${s.counts.cached} | ${s.counts.ran} | ${s.counts.error} | ${percent(s.cachedRatio)} | ${seconds(s.seconds)} | ${bytes(s.sizeBytes)} |`,
    );
  }
  const byId = new Map(report.steps.map((s) => [s.id, s]));
  if (report.slowestRan.length) {
    out.push('', '### Slowest re-run steps', '', '| Time | Share | Step |', '|---:|---:|---|');
    for (const id of report.slowestRan) {
      const s = byId.get(id)!;
      out.push(`| ${seconds(s.seconds)} | ${percent(s.share)} | ${cell(s.stageKey, 40)} ${cell(s.text)} |`);
    }
  }
  out.push(...comparisonSection(report));
  out.push(...rootCauseSection(report));
  if (report.errors.length) {
    out.push('', '### Errors', '');
    for (const e of report.errors) out.push(`- ${cell(e, 300)}`);
    for (const s of report.steps.filter((st) => st.status === 'error' && st.logTail.length)) {
      const tail = s.logTail.slice(-TAIL_LINES).map((l) => escapeHtml(oneLine(lastFrame(l), 200)));
      out.push(
        '',
        `<details><summary>Last log lines of ${cell(s.text, 60)}</summary>`,
        '',
        `<pre>${tail.join('\n')}</pre>`,
        '',
        '</details>',
      );
    }
  }
  if (report.warnings.length) {
    out.push('', `### Warnings (${report.warnings.length})`, '');
    for (const w of report.warnings) out.push(`- ${cell(w.message, 200)}`);
  }
  out.push('', '<details><summary>All steps</summary>', '');
  for (const s of report.stages) {
    out.push(
      `#### ${cell(s.key, 60)}`,
      '',
      '| Step | Status | Time | Share | Line | Instruction |',
      '|---|---|---:|---:|---:|---|',
    );
    for (const step of stageSteps(report.steps, s.key)) out.push(stepRow(step));
    out.push('');
  }
  out.push('</details>');
  if (t.contextBytes !== null) out.push('', `Build context sent: ${bytes(t.contextBytes)}.`);
  if (report.sizes?.image) out.push('', `Image size: ${bytes(report.sizes.image.sizeBytes)}.`);
  for (const n of report.sizes?.notMeasured ?? [])
    out.push('', `Size of ${cell(n.stage, 60)} not measured: ${cell(n.reason, 200)}`);
  return out.join('\n') + '\n';
}

function rootCauseSection(report: BuildReport): string[] {
  const a = report.analysis;
  if (!a) return [];
  const out: string[] = [];
  if (a.rootCauses.length) {
    out.push('', '### Why steps re-ran', '', '| Step | Cause | Cost | Cascade |', '|---|---|---:|---|');
    for (const c of a.rootCauses) {
      const kind = `${c.kind}${c.confidence === 'likely' ? ' (likely)' : ''}`;
      out.push(
        `| ${cell(c.stepId, 40)} | ${cell(kind)}: ${cell(c.detail, 200)} | ${seconds(c.seconds)} | ${c.cascade.length ? cell(c.cascade.join(', '), 200) : ''} |`,
      );
    }
  }
  if (a.suggestions.length) {
    out.push('', `### Suggestions`, '');
    for (const sug of a.suggestions.slice(0, TOP_SUGGESTIONS)) {
      const gain =
        sug.savedSeconds !== null
          ? ` · would have saved ${seconds(sug.savedSeconds)}`
          : sug.evidence === 'static'
            ? ' · rule of thumb, not seen in this build'
            : '';
      const where = `${cell(sug.file, 60)} lines ${sug.lines.start}–${sug.lines.end}${gain}`;
      out.push(`**${cell(sug.title, 100)}** (${where})`, '', cell(sug.why, 300), '', fence(sug.diff, 'diff'), '');
    }
    if (a.suggestions.length > TOP_SUGGESTIONS) {
      out.push(`${a.suggestions.length - TOP_SUGGESTIONS} more in the JSON report.`);
    }
  }
  if (a.criticalPath.steps.length) {
    const path = a.criticalPath.steps
      .map((p) => `${cell(p.id, 40)} ${seconds(p.seconds)} (${percent(p.share)})`)
      .join(' → ');
    out.push('', `**Critical path** ${seconds(a.criticalPath.seconds)}: ${path}`);
  }
  return out;
}

function comparisonSection(report: BuildReport): string[] {
  const c = report.comparison;
  if (!c) return [];
  const out = [
    '',
    `### Against the baseline`,
    '',
    c.regressions ? `**${c.regressions} regression(s)**` : 'No regressions.',
  ];
  const rows = c.steps.filter((s) => s.regressions.length);
  if (rows.length) {
    out.push('', '| Step | Regression | Before | Now |', '|---|---|---|---|');
    for (const s of rows) {
      out.push(
        `| ${cell(s.id, 40)} ${cell(s.text, 60)} | ${s.regressions.join(', ')} | ${s.status.from} ${seconds(s.seconds.from)} | ${s.status.to} ${seconds(s.seconds.to)} |`,
      );
    }
  }
  if (c.added.length) out.push('', `Added: ${cell(c.added.join(', '), 300)}`);
  if (c.removed.length) out.push('', `Removed: ${cell(c.removed.map((r) => r.id).join(', '), 300)}`);
  for (const e of c.newErrors) out.push('', `New error: ${cell(e, 300)}`);
  for (const w of c.newWarnings) out.push('', `New warning: ${cell(w, 300)}`);
  return out;
}
