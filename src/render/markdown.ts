import type { BuildReport, Step } from '../model/report.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { bytes, lastFrame, oneLine, percent, seconds } from './format.js';

const TAIL_LINES = 10;

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
  out.push('', '| Stage | Steps | Cached | Ran | Errors | Cache hits | Time |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const s of report.stages) {
    out.push(
      `| ${cell(s.key, 60)} | ${s.steps} | ${s.counts.cached} | ${s.counts.ran} | ${s.counts.error} | ${percent(s.cachedRatio)} | ${seconds(s.seconds)} |`,
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
    for (const step of report.steps) if (step.stageKey === s.key) out.push(stepRow(step));
    out.push('');
  }
  out.push('</details>');
  if (t.contextBytes !== null) out.push('', `Build context sent: ${bytes(t.contextBytes)}.`);
  return out.join('\n') + '\n';
}
