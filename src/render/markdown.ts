// The markdown report (job summary, PR comment, report.md, `--format md`). The answer first: the
// headline (what re-ran, why, what it cost, the fix), the regressions grouped by root cause, the
// top fix with its diff, the other causes and suggestions; the tables, the chart and every step
// come last, folded. Untrusted text (step names, files, log lines) goes into code spans (inline.ts).
import type { BuildReport, Step, StepChange, Suggestion } from '../model/report.js';
import { stepsById } from '../model/steps-by-id.js';
import {
  baselineCold,
  baselineName,
  causeGroups,
  gainText,
  stepTextOf,
  headline,
  historyText,
  linesLabel,
  noneCached,
  regressionGroups,
  statusLine,
  stepName,
  whyPhrase,
  type CauseGroup,
} from './answer.js';
import { fence } from './escape.js';
import {
  bytes,
  lastFrame,
  oneLine,
  percent,
  seconds,
  stageSeconds,
  stepSeconds,
  stepsByStage,
  STEPS_LISTED,
} from './format.js';
import { code, codeSpan, joinInline, proseWithCode, toMarkdown, type Inline } from './inline.js';
import { remoteCacheMarkdown } from './remote-cache.js';

const TAIL_LINES = 10;
/** Suggestions shown in markdown; all of them are in the JSON report. */
const TOP_SUGGESTIONS = 3;
/** Rows listed per table: the JSON report has them all. */
const MAX_ROWS = 100;
/** Steps named in a folded cascade cell. */
const CASCADE_NAMED = 10;

const md = (parts: Inline[]): string => toMarkdown(parts);
const cellMd = (parts: Inline[]): string => toMarkdown(parts, true);

/** A part of the markdown report; `importance` 0 is kept first when space is short (a PR comment). */
export interface Section {
  name: string;
  importance: number;
  lines: string[];
}

function headlineSection(report: BuildReport, byId: ReadonlyMap<string, Step>): Section {
  const lines = ['## BuildKit cache analysis'];
  for (const l of headline(report, byId).lines) lines.push('', md(l));
  lines.push('', `<sub>${md(statusLine(report))}</sub>`);
  for (const reason of report.incompleteReasons.slice(1)) lines.push('', `> ${md(['Also: ', code(reason, 200)])}`);
  return { name: 'headline', importance: 0, lines };
}

function errorsSection(report: BuildReport): Section {
  const lines: string[] = [];
  if (report.errors.length || report.steps.some((s) => s.status === 'error')) {
    lines.push('', '### Errors', '');
    for (const e of report.errors.slice(0, 10)) lines.push(`- ${md([code(e, 300)])}`);
    for (const s of report.steps.filter((st) => st.status === 'error' && st.logTail.length)) {
      const tail = s.logTail.slice(-TAIL_LINES).map((l) => oneLine(lastFrame(l), 200));
      lines.push('', `Last log lines of ${md(stepName(s, report))}:`, '', fence(tail.join('\n')));
    }
  }
  return { name: 'errors', importance: 1, lines };
}

/** The steps a cause re-ran besides its root, folded into one cell: a count, the names inside. */
function cascadeCell(ids: string[], report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  if (!ids.length) return '–';
  const named = ids.slice(0, CASCADE_NAMED).map((id) => {
    const s = byId.get(id);
    return s ? [code(s.text, 40), s.lines ? ` (${linesLabel(s.lines)})` : ''] : [code(id, 40)];
  });
  const more = ids.length > CASCADE_NAMED ? [` and ${ids.length - CASCADE_NAMED} more`] : [];
  const label = `${ids.length} step${ids.length === 1 ? '' : 's'}`;
  return `<details><summary>${label}</summary>${cellMd([...joinInline(named), ...more])}</details>`;
}

function causeRow(g: CauseGroup, report: BuildReport, byId: ReadonlyMap<string, Step>, none: boolean): string {
  const name = g.root ? stepName(g.root, report) : [code(g.cause.stepId, 60)];
  const others = g.cause.cascade;
  return `| ${cellMd(name)} | ${cellMd(whyPhrase(g.cause, none))} | ${cascadeCell(others, report, byId)} | ${seconds(g.cause.seconds)} |`;
}

const CAUSE_HEAD = ['| Step | Why it re-ran | Re-ran after it | Cost |', '|---|---|---|---:|'];

function causesTable(groups: CauseGroup[], report: BuildReport, byId: ReadonlyMap<string, Step>): string[] {
  const none = noneCached(report);
  const out = [...CAUSE_HEAD, ...groups.slice(0, MAX_ROWS).map((g) => causeRow(g, report, byId, none))];
  if (groups.length > MAX_ROWS) out.push('', `${groups.length - MAX_ROWS} more root causes in the JSON report.`);
  return out;
}

function changeText(s: StepChange): string {
  const parts: string[] = [];
  if (s.regressions.includes('slower')) parts.push(`slower: ${seconds(s.seconds.from)} → ${seconds(s.seconds.to)}`);
  if (s.regressions.includes('bigger')) parts.push(`bigger: ${bytes(s.sizeBytes.from)} → ${bytes(s.sizeBytes.to)}`);
  if (s.regressions.includes('lost-cache'))
    parts.push(`lost its cache (${codeSpan(s.status.from, true)} → ${codeSpan(s.status.to, true)})`); // a baseline is untrusted
  if (s.regressions.includes('new-error')) parts.push('failed');
  return parts.join('; ');
}

/** Regressions against the baseline, one row per root cause; without a baseline, why steps re-ran. */
function regressionsSection(report: BuildReport, byId: ReadonlyMap<string, Step>): Section {
  const c = report.comparison;
  const out: string[] = [];
  if (!c) {
    // A cold build's causes all read "nothing was cached": the headline says it once.
    const groups = noneCached(report) ? [] : causeGroups(report, byId);
    if (groups.length) out.push('', '### Why steps re-ran', '', ...causesTable(groups, report, byId));
    return { name: 'root causes', importance: 0, lines: out };
  }
  const { groups, loose } = regressionGroups(report, byId);
  out.push('', `### Against ${md(baselineName(c))}`, '');
  if (c.baseline.runUrl && /^https:\/\/[^\s()<>]+$/.test(c.baseline.runUrl))
    out.push(`Baseline run: ${c.baseline.runUrl}`, '');
  out.push(c.regressions ? `**${c.regressions} regression${c.regressions === 1 ? '' : 's'}**` : 'No regressions.');
  if (!c.regressions && baselineCold(c))
    out.push('', 'That baseline was a cold build (nothing cached), so no step can show as having lost its cache.');
  if (groups.length) out.push('', ...causesTable(groups, report, byId));
  if (loose.length) {
    out.push('', '| Step | Change |', '|---|---|');
    for (const s of loose.slice(0, MAX_ROWS)) {
      const step = byId.get(s.id);
      out.push(`| ${cellMd(step ? stepName(step, report) : [code(s.text, 60)])} | ${changeText(s)} |`);
    }
    if (loose.length > MAX_ROWS) out.push('', `${loose.length - MAX_ROWS} more in the JSON report.`);
  }
  for (const s of c.stages.filter((st) => st.regressions.length)) {
    const what = [
      s.regressions.includes('slower') ? `slower: ${seconds(s.seconds.from)} → ${seconds(s.seconds.to)}` : '',
      s.regressions.includes('bigger') ? `bigger: ${bytes(s.sizeBytes.from)} → ${bytes(s.sizeBytes.to)}` : '',
    ].filter(Boolean);
    out.push('', md(['Stage ', code(s.key, 60), `: ${what.join('; ')}.`]));
  }
  if (c.image.bigger)
    out.push('', `The image grew: ${bytes(c.image.sizeBytes.from)} → ${bytes(c.image.sizeBytes.to)}.`);
  if (c.added.length) out.push('', md(['New steps: ', ...namesOf(c.added, report, byId)]));
  if (c.removed.length)
    out.push('', md(['Steps gone: ', ...joinInline(c.removed.slice(0, 10).map((r) => [code(r.text, 40)]))]));
  for (const e of c.newErrors) out.push('', md(['New error: ', code(e, 300)]));
  for (const w of c.newWarnings) out.push('', md(['New warning: ', code(w, 300)]));
  return { name: 'regressions', importance: 0, lines: out };
}

function namesOf(ids: string[], report: BuildReport, byId: ReadonlyMap<string, Step>): Inline[] {
  const shown = ids.slice(0, 10).map((id) => {
    const s = byId.get(id);
    return s ? stepName(s, report, 40) : [code(id, 40)];
  });
  return [...joinInline(shown), ...(ids.length > 10 ? [` and ${ids.length - 10} more`] : [])];
}

function suggestionHead(sug: Suggestion, report: BuildReport): Inline[] {
  const history = historyText(sug);
  return [
    code(sug.file, 60),
    ` ${linesLabel(sug.lines)} · ${gainText(sug, stepTextOf(report))}`,
    ...(history.length ? [' · the step it protects ', ...history] : []),
  ];
}

function topFixSection(report: BuildReport): Section {
  const sug = report.analysis?.suggestions[0];
  if (!sug) return { name: 'top fix', importance: 1, lines: [] };
  const label = sug.evidence === 'data' ? 'Top fix' : 'Tip (rule of thumb)';
  return {
    name: 'top fix',
    importance: 1,
    lines: [
      '',
      `### ${label}: ${md([{ text: oneLine(sug.title, 120) }])}`,
      '',
      md(suggestionHead(sug, report)),
      '',
      md(proseWithCode(oneLine(sug.why, 400))),
      '',
      fence(sug.diff, 'diff'),
    ],
  };
}

/** With a baseline, the root causes that are not regressions (their steps re-ran on the baseline too). */
function otherCausesSection(report: BuildReport, byId: ReadonlyMap<string, Step>): Section {
  if (!report.comparison) return { name: 'other causes', importance: 2, lines: [] };
  const shown = new Set(regressionGroups(report, byId).groups.map((g) => g.cause));
  const rest = causeGroups(report, byId).filter((g) => !shown.has(g.cause));
  if (!rest.length) return { name: 'other causes', importance: 2, lines: [] };
  return {
    name: 'other causes',
    importance: 2,
    lines: ['', '### Other steps that re-ran', '', ...causesTable(rest, report, byId)],
  };
}

function otherSuggestionsSection(report: BuildReport): Section {
  const all = report.analysis?.suggestions ?? [];
  const more = all.slice(1, TOP_SUGGESTIONS);
  const out: string[] = [];
  if (more.length) {
    out.push('', '### More suggestions');
    for (const sug of more) {
      out.push(
        '',
        `**${md([{ text: oneLine(sug.title, 120) }])}** (${md(suggestionHead(sug, report))})`,
        '',
        md(proseWithCode(oneLine(sug.why, 400))),
        '',
        '<details><summary>Diff</summary>',
        '',
        fence(sug.diff, 'diff'),
        '',
        '</details>',
      );
    }
  }
  if (all.length > TOP_SUGGESTIONS) out.push('', `${all.length - TOP_SUGGESTIONS} more in the JSON report.`);
  return { name: 'suggestions', importance: 2, lines: out };
}

function warningsSection(report: BuildReport): Section {
  const lines: string[] = [];
  if (report.warnings.length) {
    lines.push('', `<details><summary>Warnings (${report.warnings.length})</summary>`, '');
    for (const w of report.warnings.slice(0, MAX_ROWS)) {
      const where = w.line !== null ? `line ${w.line}: ` : '';
      lines.push(`- ${where}${md([code(w.message, 200)])}`);
    }
    lines.push('', '</details>');
  }
  return { name: 'warnings', importance: 6, lines };
}

function delta(from: number | null, to: number | null, fmt: (n: number) => string, floor: number): string {
  if (from === null || to === null) return '–';
  const d = to - from;
  // Under the regression floor a change is noise (a rounding, a timestamp in a file): shown as unchanged.
  return Math.abs(d) <= floor ? 'unchanged' : `${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
}

/** Mermaid category labels: letters and digits of any script, `. / - _` and spaces survive (nothing that
 * could end the quoted label or start a directive); long keys keep both ends; duplicates get a number,
 * since Mermaid draws bars of one category in one slot. */
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

/** Time per stage as a Mermaid bar chart (GitHub renders it, folded or not), with the baseline's as a line. */
function chartLines(report: BuildReport): string[] {
  const stages = report.stages.filter((s) => s.key !== '(external)').slice(0, 20);
  if (stages.length < 2) return [];
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
  return lines;
}

function stagesSection(report: BuildReport): Section {
  const changes = new Map((report.comparison?.stages ?? []).map((c) => [c.key, c]));
  const cmp = report.comparison;
  const t = cmp?.thresholds;
  const lines = [
    '',
    report.targets?.length ? '<details><summary>Targets and stages</summary>' : '<details><summary>Stages</summary>',
    '',
    `| Stage | Steps | Cached | Ran | Errors | Cache hits | Time | Size |${cmp ? ' Δ time | Δ size |' : ''}`,
    `|---|---:|---:|---:|---:|---:|---:|---:|${cmp ? '---:|---:|' : ''}`,
  ];
  lines.splice(2, 0, ...targetRows(report));
  for (const s of report.stages.slice(0, MAX_ROWS)) {
    const c = changes.get(s.key);
    const deltas =
      cmp && t
        ? ` ${c ? delta(c.seconds.from, c.seconds.to, seconds, t.minSeconds) : 'new'} | ${c ? delta(c.sizeBytes.from, c.sizeBytes.to, bytes, t.minBytes) : ''} |`
        : '';
    lines.push(
      `| ${cellMd([code(s.key, 60)])} | ${s.steps} | ${s.counts.cached} | ${s.counts.ran} | ${s.counts.error} | ${percent(s.cachedRatio)} | ${stageSeconds(s)} | ${bytes(s.sizeBytes)} |${deltas}`,
    );
  }
  if (report.stages.length > MAX_ROWS)
    lines.push('', `${report.stages.length - MAX_ROWS} more stages in the JSON report.`);
  lines.push(...chartLines(report), '', '</details>');
  return { name: 'stages', importance: 4, lines };
}

/** A bake/compose build's targets, before its stages: each counts the steps BuildKit ran once for it and others. */
function targetRows(report: BuildReport): string[] {
  const targets = report.targets ?? [];
  if (!targets.length) return [];
  const rows = [
    '',
    '| Target | Steps | Cached | Ran | Errors | Cache hits | Time | Context | Ran once with others |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const t of targets.slice(0, MAX_ROWS))
    rows.push(
      `| ${cellMd([code(t.name, 60)])} | ${t.steps} | ${t.counts.cached} | ${t.counts.ran} | ${t.counts.error} | ${percent(t.cachedRatio)} | ${stageSeconds(t)} | ${bytes(t.contextBytes)} | ${t.sharedSteps ?? ''} |`,
    );
  if (targets.length > MAX_ROWS) rows.push('', `${targets.length - MAX_ROWS} more targets in the JSON report.`);
  return rows;
}

function slowestSection(report: BuildReport, byId: ReadonlyMap<string, Step>): Section {
  // A 0.0 s step is no answer to "what was slow".
  const rows = report.slowestRan.map((id) => byId.get(id)!).filter((s) => s && (s.seconds ?? 0) >= 0.05);
  if (!rows.length) return { name: 'slowest steps', importance: 4, lines: [] };
  const lines = [
    '',
    '<details><summary>Slowest re-run steps</summary>',
    '',
    '| Time | Share | Step |',
    '|---:|---:|---|',
  ];
  for (const s of rows) lines.push(`| ${stepSeconds(s)} | ${percent(s.share)} | ${cellMd(stepName(s, report))} |`);
  lines.push('', '</details>');
  return { name: 'slowest steps', importance: 4, lines };
}

function criticalPathSection(report: BuildReport, byId: ReadonlyMap<string, Step>): Section {
  const a = report.analysis;
  // A path of one step is the slowest step, which the headline and the slowest steps already name.
  if (!a || a.criticalPath.steps.length < 2) return { name: 'critical path', importance: 4, lines: [] };
  const path = a.criticalPath.steps.slice(0, 30).map((p) => {
    const s = byId.get(p.id);
    return [
      ...(s ? [code(s.text, 40), s.lines ? ` (${linesLabel(s.lines)})` : ''] : [code(p.id, 40)]),
      ` ${seconds(p.seconds)}`,
    ];
  });
  return {
    name: 'critical path',
    importance: 4,
    lines: ['', md([`Critical path ${seconds(a.criticalPath.seconds)}: `, ...joinInline(path, ' → ')])],
  };
}

function stepRow(step: Step, sizes: boolean): string {
  const idx = step.index === null ? '' : `${step.index}/${step.count}`;
  const time = stepSeconds(step);
  const share = step.share === null || step.status === 'source' ? '' : percent(step.share);
  const line = step.lines ? String(step.lines.start) : '';
  const shared = step.sharedWith.length
    ? ` (ran once, also for ${cellMd(joinInline(step.sharedWith.slice(0, 5).map((s) => [code(s, 40)])))})`
    : '';
  const targets = step.targets
    ? ` (ran once for targets ${cellMd(joinInline(step.targets.slice(0, 5).map((t) => [code(t, 40)])))})`
    : '';
  const size = sizes ? ` ${step.sizeBytes === null ? '' : bytes(step.sizeBytes)} |` : '';
  return `| ${idx} | ${step.status} | ${time} | ${share} | ${line} |${size} ${cellMd([code(step.text, 80)])}${shared}${targets} |`;
}

function allStepsSection(report: BuildReport): Section {
  const lines = ['', '<details><summary>All steps</summary>', ''];
  const sizes = report.steps.some((s) => s.sizeBytes !== null);
  const byStage = stepsByStage(report.steps);
  let shown = 0;
  let more = 0;
  let moreStages = 0;
  for (const s of report.stages) {
    const steps = byStage.get(s.key) ?? [];
    const room = STEPS_LISTED - shown;
    if (room <= 0) {
      more += steps.length;
      moreStages += steps.length ? 1 : 0;
      continue;
    }
    lines.push(
      `#### ${md([code(s.key, 60)])}`,
      '',
      `| Step | Status | Time | Share | Line |${sizes ? ' Size |' : ''} Instruction |`,
      `|---|---|---:|---:|---:|${sizes ? '---:|' : ''}---|`,
    );
    for (let i = 0; i < steps.length && i < room; i++) lines.push(stepRow(steps[i], sizes));
    shown += Math.min(room, steps.length);
    if (steps.length > room) {
      more += steps.length - room;
      moreStages++;
    }
    lines.push('');
  }
  if (more)
    lines.push(
      `${more} more step${more === 1 ? '' : 's'} in ${moreStages} stage${moreStages === 1 ? '' : 's'} in the JSON report.`,
      '',
    );
  lines.push('</details>');
  return { name: 'all steps', importance: 8, lines };
}

function footerSection(report: BuildReport): Section {
  const facts: string[] = [];
  if (report.totals.contextBytes !== null) facts.push(`Build context sent: ${bytes(report.totals.contextBytes)}.`);
  if (report.sizes?.image) facts.push(`Image size: ${bytes(report.sizes.image.sizeBytes)}.`);
  for (const n of report.sizes?.notMeasured ?? [])
    facts.push(md(['Size of ', code(n.stage, 60), ' not measured: ', { text: oneLine(n.reason, 200) }]));
  if (report.run && report.run.overheadSeconds !== null)
    facts.push(
      `This analysis took ${seconds(report.run.overheadSeconds)} beyond the ${seconds(report.run.buildSeconds)} build.`,
    );
  return { name: 'footer', importance: 5, lines: facts.length ? ['', facts.join(' ')] : [] };
}

/** The report's sections in display order. */
export function markdownSections(report: BuildReport): Section[] {
  const byId = stepsById(report);
  return [
    headlineSection(report, byId),
    errorsSection(report),
    regressionsSection(report, byId),
    { name: 'remote cache', importance: 1, lines: remoteCacheMarkdown(report) },
    topFixSection(report),
    otherCausesSection(report, byId),
    otherSuggestionsSection(report),
    warningsSection(report),
    criticalPathSection(report, byId),
    stagesSection(report),
    slowestSection(report, byId),
    allStepsSection(report),
    footerSection(report),
  ].filter((s) => s.lines.length);
}

/** The markdown report (job summary, `--format md`): every section, joined once. */
export function renderMarkdown(report: BuildReport): string {
  // Each section joined, then the sections: one array of every line of 100,000 steps was a copy for nothing.
  return `${markdownSections(report)
    .map((s) => s.lines.join('\n'))
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
