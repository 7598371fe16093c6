import type { BuildReport, Step } from '../model/report.js';
import { escapeHtml, escapeMarkdown, fence } from './escape.js';
import {
  bytes,
  lastFrame,
  oneLine,
  percent,
  seconds,
  stageSeconds,
  stageSteps,
  stepSeconds,
  suggestionGain,
} from './format.js';
import { remoteCacheMarkdown } from './remote-cache.js';

const TAIL_LINES = 10;
/** Suggestions shown in markdown; all of them are in the JSON report. */
const TOP_SUGGESTIONS = 3;

function cell(text: string, max = 80): string {
  return escapeMarkdown(oneLine(text, max));
}

function stepRow(step: Step): string {
  const idx = step.index === null ? '' : `${step.index}/${step.count}`;
  const time = stepSeconds(step);
  const share = step.share === null || step.status === 'source' ? '' : percent(step.share);
  const line = step.lines ? String(step.lines.start) : '';
  const shared = step.sharedWith.length ? ` (ran once, also for ${cell(step.sharedWith.join(', '))})` : '';
  return `| ${idx} | ${step.status} | ${time} | ${share} | ${line} | ${cell(step.text)}${shared} |`;
}

/** A part of the markdown report; `importance` 0 is kept first when space is short (a PR comment). */
export interface Section {
  name: string;
  importance: number;
  lines: string[];
}

/** Rows listed per table: the JSON report has them all. */
const MAX_ROWS = 100;

function headerSection(report: BuildReport): Section {
  const t = report.totals;
  const c = t.counts;
  const state = report.failed ? '❌ build failed' : report.complete ? '✅ complete' : '⚠️ incomplete';
  const lines = [
    `## BuildKit cache analysis`,
    '',
    `**${state}** · ${t.steps} steps · ${c.cached} cached · ${c.ran} ran · cache hits **${percent(t.cachedRatio)}** · ` +
      (t.wallSeconds === null ? `vertex time ${seconds(t.stepSeconds)}` : `wall time ${seconds(t.wallSeconds)}`),
  ];
  for (const reason of report.incompleteReasons) lines.push('', `> ${cell(reason, 200)}`);
  return { name: 'verdict', importance: 0, lines };
}

function delta(from: number | null, to: number | null, fmt: (n: number) => string): string {
  if (from === null || to === null) return '–';
  const d = to - from;
  return d === 0 ? '0' : `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
}

function stagesSection(report: BuildReport): Section {
  const changes = new Map((report.comparison?.stages ?? []).map((c) => [c.key, c]));
  const compare = report.comparison !== undefined;
  const lines = [
    '',
    `| Stage | Steps | Cached | Ran | Errors | Cache hits | Time | Size |${compare ? ' Δ time | Δ size |' : ''}`,
    `|---|---:|---:|---:|---:|---:|---:|---:|${compare ? '---:|---:|' : ''}`,
  ];
  for (const s of report.stages.slice(0, MAX_ROWS)) {
    const c = changes.get(s.key);
    const deltas = compare
      ? ` ${c ? delta(c.seconds.from, c.seconds.to, seconds) : 'new'} | ${c ? delta(c.sizeBytes.from, c.sizeBytes.to, bytes) : ''} |`
      : '';
    lines.push(
      `| ${cell(s.key, 60)} | ${s.steps} | ${s.counts.cached} | ${s.counts.ran} | ${s.counts.error} | ${percent(s.cachedRatio)} | ${stageSeconds(s)} | ${bytes(s.sizeBytes)} |${deltas}`,
    );
  }
  if (report.stages.length > MAX_ROWS)
    lines.push('', `${report.stages.length - MAX_ROWS} more stages in the JSON report.`);
  return { name: 'stages', importance: 3, lines };
}

/** Mermaid can only take plain labels: stage keys keep letters, digits and `./_-`. */
/**
 * Mermaid category labels: letters and digits of any script, `. / - _` and spaces survive (nothing that
 * could end the quoted label or start a directive); long keys keep both ends; duplicates get a number,
 * since Mermaid draws bars of one category in one slot.
 */
function chartLabels(keys: string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    const chars = [...key.replace(/[^\p{L}\p{N}./ _-]/gu, '_')];
    let label = chars.length > 24 ? `${chars.slice(0, 11).join('')}…${chars.slice(-12).join('')}` : chars.join('');
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n > 1) label = `${label} ${n}`;
    return label;
  });
}

/** Time per stage as a Mermaid bar chart (GitHub renders it in comments), with the baseline's as a line. */
function chartSection(report: BuildReport): Section {
  const stages = report.stages.filter((s) => s.key !== '(external)').slice(0, 20);
  if (stages.length < 2) return { name: 'chart', importance: 4, lines: [] };
  const before = new Map((report.comparison?.stages ?? []).map((c) => [c.key, c.seconds.from]));
  const lines = [
    '',
    '```mermaid',
    'xychart-beta',
    '    title "Time per stage (s)"',
    `    x-axis [${chartLabels(stages.map((s) => s.key))
      .map((l) => `"${l}"`)
      .join(', ')}]`,
    '    y-axis "seconds"',
    `    bar [${stages.map((s) => s.seconds.toFixed(1)).join(', ')}]`,
  ];
  if (report.comparison) lines.push(`    line [${stages.map((s) => (before.get(s.key) ?? 0).toFixed(1)).join(', ')}]`);
  lines.push('```');
  if (report.comparison) lines.push('', '_Bars: this build; line: the baseline._');
  return { name: 'chart', importance: 4, lines };
}

function slowestSection(report: BuildReport): Section {
  const byId = new Map(report.steps.map((s) => [s.id, s]));
  const lines: string[] = [];
  if (report.slowestRan.length) {
    lines.push('', '### Slowest re-run steps', '', '| Time | Share | Step |', '|---:|---:|---|');
    for (const id of report.slowestRan) {
      const s = byId.get(id)!;
      lines.push(`| ${stepSeconds(s)} | ${percent(s.share)} | ${cell(s.stageKey, 40)} ${cell(s.text)} |`);
    }
  }
  return { name: 'slowest steps', importance: 4, lines };
}

function errorsSection(report: BuildReport): Section {
  const lines: string[] = [];
  if (report.errors.length) {
    lines.push('', '### Errors', '');
    for (const e of report.errors) lines.push(`- ${cell(e, 300)}`);
    for (const s of report.steps.filter((st) => st.status === 'error' && st.logTail.length)) {
      const tail = s.logTail.slice(-TAIL_LINES).map((l) => escapeHtml(oneLine(lastFrame(l), 200)));
      lines.push(
        '',
        `<details><summary>Last log lines of ${cell(s.text, 60)}</summary>`,
        '',
        `<pre>${tail.join('\n')}</pre>`,
        '',
        '</details>',
      );
    }
  }
  return { name: 'errors', importance: 1, lines };
}

function warningsSection(report: BuildReport): Section {
  const lines: string[] = [];
  if (report.warnings.length) {
    lines.push('', `### Warnings (${report.warnings.length})`, '');
    for (const w of report.warnings.slice(0, MAX_ROWS)) lines.push(`- ${cell(w.message, 200)}`);
  }
  return { name: 'warnings', importance: 6, lines };
}

function allStepsSection(report: BuildReport): Section {
  const lines = ['', '<details><summary>All steps</summary>', ''];
  for (const s of report.stages) {
    lines.push(
      `#### ${cell(s.key, 60)}`,
      '',
      '| Step | Status | Time | Share | Line | Instruction |',
      '|---|---|---:|---:|---:|---|',
    );
    for (const step of stageSteps(report.steps, s.key)) lines.push(stepRow(step));
    lines.push('');
  }
  lines.push('</details>');
  return { name: 'all steps', importance: 8, lines };
}

function footerSection(report: BuildReport): Section {
  const lines: string[] = [];
  if (report.totals.contextBytes !== null) lines.push('', `Build context sent: ${bytes(report.totals.contextBytes)}.`);
  if (report.sizes?.image) lines.push('', `Image size: ${bytes(report.sizes.image.sizeBytes)}.`);
  for (const n of report.sizes?.notMeasured ?? [])
    lines.push('', `Size of ${cell(n.stage, 60)} not measured: ${cell(n.reason, 200)}`);
  return { name: 'sizes', importance: 5, lines };
}

/** The report's sections in display order. */
export function markdownSections(report: BuildReport): Section[] {
  return [
    headerSection(report),
    stagesSection(report),
    chartSection(report),
    slowestSection(report),
    { name: 'regressions', importance: 0, lines: comparisonSection(report) },
    { name: 'remote cache', importance: 1, lines: remoteCacheMarkdown(report) },
    { name: 'root causes', importance: 1, lines: rootCauseSection(report) },
    { name: 'suggestions', importance: 1, lines: suggestionSection(report) },
    { name: 'critical path', importance: 4, lines: criticalPathSection(report) },
    errorsSection(report),
    warningsSection(report),
    allStepsSection(report),
    footerSection(report),
  ].filter((s) => s.lines.length);
}

/** The markdown report (job summary, `--format md`): every section, joined once. */
export function renderMarkdown(report: BuildReport): string {
  return `${markdownSections(report)
    .flatMap((s) => s.lines)
    .join('\n')}\n`;
}

export interface FitOptions {
  /** How the limit counts: characters (a comment) by default; the job summary's limit is in bytes. */
  measure?: (text: string) => number;
  /** Where the parts left out can be read, for the cut note. */
  elsewhere?: string;
}

const byChars = (text: string): number => text.length;

/**
 * The report within `limit` (a PR comment: GitHub takes 65,536 characters; a job summary 1 MiB): the
 * most important sections first; what does not fit is left out, and the text says which.
 */
export function renderFitted(report: BuildReport, limit: number, head = '', opts: FitOptions = {}): string {
  const measure = opts.measure ?? byChars;
  const elsewhere = opts.elsewhere ?? 'the job summary and the JSON report have everything';
  const sections = markdownSections(report);
  const texts = sections.map((s) => `${s.lines.join('\n')}\n`);
  const NOTE_ROOM = 300;
  let used = measure(head) + NOTE_ROOM;
  const keep = new Set<number>();
  const order = sections.map((s, i) => i).sort((a, b) => sections[a].importance - sections[b].importance || a - b);
  for (const i of order) {
    const size = measure(texts[i]);
    if (used + size <= limit) {
      keep.add(i);
      used += size;
    }
  }
  const left = sections.filter((_, i) => !keep.has(i)).map((s) => s.name);
  const body = texts.filter((_, i) => keep.has(i)).join('');
  const note = left.length ? `\n_Cut to fit: ${left.join(', ')} left out; ${elsewhere}._\n` : '';
  return head + body + note;
}

/** GitHub drops a job summary over 1 MiB (and says so in an error annotation): kept under it with room to spare. */
export const SUMMARY_BYTES = 1_000_000;

/** The job summary: the whole report with `tail` after it, cut to `limit` bytes only when a huge build needs it. */
export function renderSummary(report: BuildReport, tail = '', limit = SUMMARY_BYTES): string {
  const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
  const body = renderFitted(report, limit - bytes(tail), '', {
    measure: bytes,
    elsewhere: 'the JSON report has everything',
  });
  return body + tail;
}

function rootCauseSection(report: BuildReport): string[] {
  const a = report.analysis;
  if (!a?.rootCauses.length) return [];
  const out = ['', '### Why steps re-ran', '', '| Step | Cause | Cost | Cascade |', '|---|---|---:|---|'];
  for (const c of a.rootCauses.slice(0, MAX_ROWS)) {
    const kind = `${c.kind}${c.confidence === 'likely' ? ' (likely)' : ''}`;
    const cascade = c.cascade.length
      ? cell(
          c.cascade.slice(0, 20).join(', ') + (c.cascade.length > 20 ? ` and ${c.cascade.length - 20} more` : ''),
          300,
        )
      : '';
    out.push(`| ${cell(c.stepId, 40)} | ${cell(kind)}: ${cell(c.detail, 200)} | ${seconds(c.seconds)} | ${cascade} |`);
  }
  if (a.rootCauses.length > MAX_ROWS)
    out.push('', `${a.rootCauses.length - MAX_ROWS} more root causes in the JSON report.`);
  return out;
}

function suggestionSection(report: BuildReport): string[] {
  const a = report.analysis;
  if (!a?.suggestions.length) return [];
  const out = ['', `### Suggestions`, ''];
  for (const sug of a.suggestions.slice(0, TOP_SUGGESTIONS)) {
    const gain = ` · ${suggestionGain(sug)}`;
    const where = `${cell(sug.file, 60)} lines ${sug.lines.start}–${sug.lines.end}${gain}`;
    out.push(`**${cell(sug.title, 100)}** (${where})`, '', cell(sug.why, 300), '', fence(sug.diff, 'diff'), '');
  }
  if (a.suggestions.length > TOP_SUGGESTIONS)
    out.push(`${a.suggestions.length - TOP_SUGGESTIONS} more in the JSON report.`);
  return out;
}

function criticalPathSection(report: BuildReport): string[] {
  const a = report.analysis;
  if (!a?.criticalPath.steps.length) return [];
  const path = a.criticalPath.steps
    .slice(0, 30)
    .map((p) => `${cell(p.id, 40)} ${seconds(p.seconds)} (${percent(p.share)})`)
    .join(' → ');
  return ['', `**Critical path** ${seconds(a.criticalPath.seconds)}: ${path}`];
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
    for (const s of rows.slice(0, MAX_ROWS)) {
      out.push(
        `| ${cell(s.id, 40)} ${cell(s.text, 60)} | ${s.regressions.join(', ')} | ${s.status.from} ${seconds(s.seconds.from)} | ${s.status.to} ${seconds(s.seconds.to)} |`,
      );
    }
  }
  if (rows.length > MAX_ROWS) out.push('', `${rows.length - MAX_ROWS} more regressed steps in the JSON report.`);
  if (c.added.length) out.push('', `Added: ${cell(c.added.join(', '), 300)}`);
  if (c.removed.length) out.push('', `Removed: ${cell(c.removed.map((r) => r.id).join(', '), 300)}`);
  for (const e of c.newErrors) out.push('', `New error: ${cell(e, 300)}`);
  for (const w of c.newWarnings) out.push('', `New warning: ${cell(w, 300)}`);
  return out;
}
