// The report as one self-contained HTML5 page (an artifact people open from a workflow run):
// inline CSS, the charts as inline SVG, no script and nothing fetched from anywhere. A
// Content-Security-Policy meta tag makes that a rule the browser enforces, not just a habit.
// Every string from the log, the Dockerfile or the baseline goes through `text()`: it is shown,
// never parsed as HTML.
import type { BuildReport, Step, StepStatus, Suggestion } from '../model/report.js';
import { stepsById } from '../model/steps-by-id.js';
import type { Chart } from './charts/types.js';
import { escapeHtml } from './escape.js';
import { gainText, headline, stepTextOf, historyText, linesLabel, stepName } from './answer.js';
import { bytes, lastFrame, oneLine, percent, seconds, stageSeconds, stepSeconds } from './format.js';
import { toHtml } from './inline.js';
import { remoteCacheHtml, remoteCacheOf } from './remote-cache.js';

/** Last lines of a failed step's log shown under the errors. */
const TAIL_LINES = 20;
/** The longest instruction text shown in a table cell (the JSON report has it whole). */
const MAX_CELL = 2000;

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Untrusted text on one line, for element content or a quoted attribute. */
function text(value: string, max = MAX_CELL): string {
  return escapeHtml(oneLine(value, max));
}

/** Untrusted text that keeps its lines (for `<pre>`); other control characters become spaces. */
function block(value: string): string {
  return escapeHtml(value.replace(/\r\n?/g, '\n').replace(CONTROL_BUT_NEWLINE, ' '));
}

function signed(from: number | null, to: number | null, fmt: (n: number) => string): string {
  if (from === null || to === null) return '–';
  const d = to - from;
  if (d === 0) return '0';
  return `<span class="${d > 0 ? 'worse' : 'better'}">${d > 0 ? '+' : '−'}${fmt(Math.abs(d))}</span>`;
}

function stepTime(step: Step): string {
  return stepSeconds(step);
}

function stepLines(step: Step): string {
  if (!step.lines) return '';
  return step.lines.end > step.lines.start ? `${step.lines.start}–${step.lines.end}` : String(step.lines.start);
}

/** Statuses and kinds are enums, but a baseline is a file anyone could have written: escaped too. */
function badge(status: StepStatus): string {
  const s = text(status, 20);
  return `<span class="st st-${s}">${s}</span>`;
}

// ---------------------------------------------------------------------------------------------
// Charts: each SVG is inlined as given, with three changes that inlining needs. The XML prolog
// and doctype are dropped (they mean nothing inside HTML); the namespace declarations are dropped
// (the HTML parser puts <svg> in the SVG namespace by itself, and `xlink:href` in xlink's), so the
// page holds no URL at all; and ids are prefixed with the chart's id, because two charts made by
// the same renderer use the same ids (`clip1`...) and in one document the first would win.

function inlineSvg(chart: Chart): string {
  const prefix = `${chart.id.replace(/[^\w-]/g, '_')}-`;
  let svg = chart.svg
    .replace(/^\uFEFF/, '')
    .replace(/<\?xml[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .trim();
  svg = svg.replace(/\s+xmlns(?::xlink)?\s*=\s*("[^"]*"|'[^']*')/g, '');
  const ids = new Set([...svg.matchAll(/\sid\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]));
  if (ids.size === 0) return svg;
  const rename = (id: string): string => (ids.has(id) ? prefix + id : id);
  return svg
    .replace(
      /(\sid\s*=\s*)(["'])([^"']+)\2/g,
      (_m, pre: string, q: string, id: string) => `${pre}${q}${rename(id)}${q}`,
    )
    .replace(/url\(\s*(["']?)#([^"')\s]+)\1\s*\)/g, (_m, q: string, id: string) => `url(${q}#${rename(id)}${q})`)
    .replace(
      /(\s(?:xlink:)?href\s*=\s*)(["'])#([^"']+)\2/g,
      (_m, pre: string, q: string, id: string) => `${pre}${q}#${rename(id)}${q}`,
    );
}

function chartsSection(charts: Chart[]): string {
  if (!charts.length) return '';
  const figures = charts.map(
    (c) =>
      `<figure class="chart" id="chart-${text(c.id, 40)}">${inlineSvg(c)}<figcaption>${text(c.title, 200)}</figcaption></figure>`,
  );
  return `<section id="charts"><h2>Charts</h2><div class="charts">${figures.join('')}</div></section>`;
}

// ---------------------------------------------------------------------------------------------

function header(report: BuildReport): string {
  const t = report.totals;
  const c = t.counts;
  const [state, stateClass] = report.failed
    ? ['Build failed', 'bad']
    : report.complete
      ? ['Whole log read', 'good']
      : ['Incomplete', 'warn'];
  const cmp = report.comparison;
  const regress = !cmp
    ? '<span class="pill">no baseline</span>'
    : cmp.regressions
      ? `<span class="pill bad">${cmp.regressions} regression${cmp.regressions === 1 ? '' : 's'}</span>`
      : '<span class="pill good">no regressions</span>';
  const time = t.wallSeconds === null ? `step time ${seconds(t.stepSeconds)}` : `wall time ${seconds(t.wallSeconds)}`;
  const out = [
    '<header>',
    '<h1>BuildKit cache analysis</h1>',
    `<div class="headline">${headline(report)
      .lines.map((l) => `<p>${toHtml(l)}</p>`)
      .join('')}</div>`,
    `<p class="verdict"><span class="pill ${stateClass}">${state}</span> ${regress} ` +
      `<span class="pill">cache hits <strong>${percent(t.cachedRatio)}</strong></span> ` +
      `<span class="pill">${time}</span></p>`,
    `<p class="counts">${t.steps} steps · ${c.cached} cached · ${c.ran} ran · ${c.error} failed` +
      (c.canceled ? ` · ${c.canceled} canceled` : '') +
      (c.unfinished ? ` · ${c.unfinished} unfinished` : '') +
      ` · ${c.source} source${c.source === 1 ? '' : 's'}</p>`,
  ];
  if (report.incompleteReasons.length)
    out.push(`<ul class="reasons">${report.incompleteReasons.map((r) => `<li>${text(r, 300)}</li>`).join('')}</ul>`);
  out.push('</header>');
  return out.join('\n');
}

function stagesSection(report: BuildReport): string {
  if (!report.stages.length) return '';
  const changes = new Map((report.comparison?.stages ?? []).map((c) => [c.key, c]));
  const compare = report.comparison !== undefined;
  const head =
    '<tr><th>Stage</th><th class="n">Steps</th><th class="n">Cached</th><th class="n">Ran</th><th class="n">Errors</th>' +
    '<th class="n">Cache hits</th><th class="n">Time</th><th class="n">Size</th>' +
    (compare ? '<th class="n">Δ time</th><th class="n">Δ size</th>' : '') +
    '</tr>';
  const rows = report.stages.map((s) => {
    const c = changes.get(s.key);
    const deltas = compare
      ? c
        ? `<td class="n">${signed(c.seconds.from, c.seconds.to, seconds)}</td><td class="n">${signed(c.sizeBytes.from, c.sizeBytes.to, bytes)}</td>`
        : '<td class="n">new</td><td class="n"></td>'
      : '';
    const flagged = c?.regressions.length ? ` class="regressed" title="${text(c.regressions.join(', '), 200)}"` : '';
    return (
      `<tr${flagged}><td>${text(s.key, 200)}</td><td class="n">${s.steps}</td><td class="n">${s.counts.cached}</td>` +
      `<td class="n">${s.counts.ran}</td><td class="n">${s.counts.error}</td><td class="n">${percent(s.cachedRatio)}</td>` +
      `<td class="n">${stageSeconds(s)}</td><td class="n">${bytes(s.sizeBytes)}</td>${deltas}</tr>`
    );
  });
  return `<section id="stages"><h2>Stages</h2><table><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

/** Per bake/compose target: each counts the steps BuildKit ran once for it and others. */
function targetsSection(report: BuildReport): string {
  const targets = report.targets ?? [];
  if (!targets.length) return '';
  const head =
    '<tr><th>Target</th><th>Stages</th><th class="n">Steps</th><th class="n">Cached</th><th class="n">Ran</th>' +
    '<th class="n">Errors</th><th class="n">Cache hits</th><th class="n">Time</th><th class="n">Context</th>' +
    '<th class="n">Ran once with others</th></tr>';
  const rows = targets.map(
    (t) =>
      `<tr><td>${text(t.name, 200)}</td><td>${text(t.stages.join(', '), 300)}</td><td class="n">${t.steps}</td>` +
      `<td class="n">${t.counts.cached}</td><td class="n">${t.counts.ran}</td><td class="n">${t.counts.error}</td>` +
      `<td class="n">${percent(t.cachedRatio)}</td><td class="n">${stageSeconds(t)}</td>` +
      `<td class="n">${bytes(t.contextBytes)}</td><td class="n">${t.sharedSteps ?? ''}</td></tr>`,
  );
  return `<section id="targets"><h2>Targets</h2><table><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></section>`;
}

function regressionsSection(report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  const c = report.comparison;
  if (!c) return '';
  const where = c.baseline.file ? ` (${text(c.baseline.file, 200)})` : '';
  const out = [
    '<section id="regressions"><h2>Against the baseline</h2>',
    `<p>Baseline from ${text(c.baseline.generatedAt, 60)}${where}${c.baseline.commit ? `, commit <code>${text(c.baseline.commit, 60)}</code>` : ''}.</p>`,
    c.regressions
      ? `<p class="bad"><strong>${c.regressions} regression${c.regressions === 1 ? '' : 's'}</strong></p>`
      : '<p class="good">No regressions.</p>',
  ];
  const rows = c.steps.filter((s) => s.regressions.length);
  if (rows.length) {
    out.push(
      '<table><thead><tr><th>Step</th><th>Instruction</th><th>Regression</th><th>Before</th><th>Now</th><th>Why it re-ran</th></tr></thead><tbody>',
    );
    for (const s of rows) {
      const miss = byId.get(s.id)?.miss;
      const why = !miss ? '' : miss.role === 'root' ? 'root cause' : `set off by ${names(miss.roots, report, byId)}`;
      out.push(
        `<tr><td><code>${text(s.id, 200)}</code></td><td class="code">${text(s.text)}</td><td>${text(s.regressions.join(', '), 200)}</td>` +
          `<td>${badge(s.status.from)} ${seconds(s.seconds.from)} ${bytes(s.sizeBytes.from)}</td>` +
          `<td>${badge(s.status.to)} ${seconds(s.seconds.to)} ${bytes(s.sizeBytes.to)}</td><td>${why}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  const stages = c.stages.filter((s) => s.regressions.length);
  if (stages.length) {
    out.push('<ul>');
    for (const s of stages)
      out.push(
        `<li>Stage <code>${text(s.key, 200)}</code>: ${text(s.regressions.join(', '), 200)} (time ${seconds(s.seconds.from)} → ${seconds(s.seconds.to)}, size ${bytes(s.sizeBytes.from)} → ${bytes(s.sizeBytes.to)})</li>`,
      );
    out.push('</ul>');
  }
  if (c.image.bigger)
    out.push(`<p>The image grew: ${bytes(c.image.sizeBytes.from)} → ${bytes(c.image.sizeBytes.to)}.</p>`);
  if (c.added.length) out.push(`<p>Added: ${c.added.map((id) => `<code>${text(id, 200)}</code>`).join(', ')}</p>`);
  if (c.removed.length)
    out.push(
      `<p>Removed: ${c.removed.map((r) => `<code>${text(r.id, 200)}</code> ${text(r.text, 200)}`).join(', ')}</p>`,
    );
  for (const e of c.newErrors) out.push(`<p class="bad">New error: ${text(e, 1000)}</p>`);
  for (const w of c.newWarnings) out.push(`<p>New warning: ${text(w, 1000)}</p>`);
  out.push('</section>');
  return out.join('\n');
}

/** Steps by instruction text and line (ids stay in the JSON report and the step table). */
function names(ids: string[], report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  return ids
    .map((id) => {
      const s = byId.get(id);
      return s ? toHtml(stepName(s, report)) : `<code>${text(id, 200)}</code>`;
    })
    .join(', ');
}

function rootCausesSection(report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  const causes = report.analysis?.rootCauses ?? [];
  if (!causes.length) return '';
  const rows = causes.map((c) => {
    const evidence = [
      c.files.length ? `files: ${c.files.map((f) => `<code>${text(f, 300)}</code>`).join(', ')}` : '',
      c.args.length ? `args: ${c.args.map((a) => `<code>${text(a, 200)}</code>`).join(', ')}` : '',
    ].filter(Boolean);
    return (
      `<tr><td>${names([c.stepId], report, byId)}</td>` +
      `<td>${text(c.kind, 60)}${c.confidence === 'likely' ? ' <em>(likely)</em>' : ''}</td>` +
      `<td>${text(c.detail, 1000)}${evidence.length ? `<div>${evidence.join('; ')}</div>` : ''}</td>` +
      `<td class="n">${seconds(c.seconds)}</td>` +
      `<td>${names(c.cascade, report, byId)}</td></tr>`
    );
  });
  return (
    '<section id="root-causes"><h2>Why steps re-ran</h2>' +
    '<table><thead><tr><th>Root step</th><th>Cause</th><th>Evidence</th><th class="n">Cost</th><th>Cascade</th></tr></thead>' +
    `<tbody>${rows.join('\n')}</tbody></table></section>`
  );
}

function diffBlock(diff: string): string {
  const lines = diff.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const kind = (l: string): string =>
    l.startsWith('+++') || l.startsWith('---')
      ? 'file'
      : l.startsWith('+')
        ? 'add'
        : l.startsWith('-')
          ? 'del'
          : l.startsWith('@@')
            ? 'hunk'
            : '';
  const out = lines.map((l) => {
    const cls = kind(l);
    return cls ? `<span class="${cls}">${block(l)}</span>` : block(l);
  });
  return `<pre class="diff">${out.join('\n')}</pre>`;
}

function suggestion(sug: Suggestion, report: BuildReport): string {
  const history = historyText(sug);
  const gain = ` · ${text(gainText(sug, stepTextOf(report)), 600)}${history.length ? ` · the step it protects ${toHtml(history)}` : ''}`;
  return (
    `<article class="suggestion"><h3>${text(sug.title, 300)}</h3>` +
    `<p class="where"><code>${text(sug.rule, 60)}</code> · ${text(sug.file, 300)} ${linesLabel(sug.lines)}${gain}</p>` +
    `<p>${text(sug.why, 1000)}</p>${diffBlock(sug.diff)}</article>`
  );
}

function suggestionsSection(report: BuildReport): string {
  const all = report.analysis?.suggestions ?? [];
  if (!all.length) return '';
  return `<section id="suggestions"><h2>Suggestions</h2>${all.map((s) => suggestion(s, report)).join('\n')}</section>`;
}

function criticalPathSection(report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  const path = report.analysis?.criticalPath;
  if (!path?.steps.length) return '';
  const items = path.steps.map(
    (p) => `<li>${names([p.id], report, byId)} ${seconds(p.seconds)} (${percent(p.share)})</li>`,
  );
  return `<section id="critical-path"><h2>Critical path: ${seconds(path.seconds)}</h2><ol class="path">${items.join('')}</ol></section>`;
}

function errorsSection(report: BuildReport): string {
  const failed = report.steps.filter((s) => s.status === 'error');
  if (!report.errors.length && !failed.length) return '';
  const out = ['<section id="errors"><h2>Errors</h2>'];
  if (report.errors.length) out.push(`<ul>${report.errors.map((e) => `<li>${text(e, 2000)}</li>`).join('')}</ul>`);
  for (const s of failed) {
    out.push(`<h3>${toHtml(stepName(s, report, 300))}</h3>`);
    if (s.error) out.push(`<p>${text(s.error, 2000)}</p>`);
    if (s.logTail.length)
      out.push(
        `<pre class="log">${s.logTail
          .slice(-TAIL_LINES)
          .map((l) => block(lastFrame(l)))
          .join('\n')}</pre>`,
      );
  }
  out.push('</section>');
  return out.join('\n');
}

function warningsSection(report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  const items = [
    ...report.warnings.map(
      (w) => `<li>${w.stepId ? `${names([w.stepId], report, byId)}: ` : ''}${text(w.message, 1000)}</li>`,
    ),
    ...report.problems.map((p) => `<li>${p.line !== null ? `log line ${p.line}: ` : ''}${text(p.message, 1000)}</li>`),
  ];
  if (!items.length) return '';
  return `<section id="warnings"><h2>Warnings (${items.length})</h2><ul>${items.join('')}</ul></section>`;
}

/** Steps grouped by stage (the report's stage order), each stage in Dockerfile order; strays last. */
function orderedSteps(report: BuildReport): Step[] {
  const groups = new Map<string, Step[]>(report.stages.map((s) => [s.key, []]));
  const strays: Step[] = [];
  for (const step of report.steps) (groups.get(step.stageKey) ?? strays).push(step);
  const byIndex = (a: Step, b: Step) => (a.index ?? Infinity) - (b.index ?? Infinity);
  return [...[...groups.values()].flatMap((g) => g.sort(byIndex)), ...strays];
}

function missNote(step: Step, report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  if (!step.miss) return '';
  return step.miss.role === 'root'
    ? ' <span class="miss">root cause</span>'
    : ` <span class="miss">set off by ${names(step.miss.roots, report, byId)}</span>`;
}

function stepsSection(report: BuildReport, byId: ReadonlyMap<string, Step>): string {
  const rows = orderedSteps(report).map((s) => {
    const shared = s.sharedWith.length
      ? ` <span class="note">(ran once, also for ${text(s.sharedWith.join(', '), 300)})</span>`
      : '';
    const targets = s.targets
      ? ` <span class="note">(ran once for targets ${text(s.targets.join(', '), 300)})</span>`
      : '';
    return (
      `<tr class="s-${text(s.status, 20)}"><td class="id"><code>${text(s.id, 200)}</code></td><td class="id">${text(s.stageKey, 200)}</td>` +
      `<td class="n">${stepLines(s)}</td><td>${badge(s.status)}${missNote(s, report, byId)}</td><td class="n">${stepTime(s)}</td>` +
      `<td class="n">${s.share === null || s.status === 'source' ? '' : percent(s.share)}</td>` +
      `<td class="n">${s.sizeBytes === null ? '' : bytes(s.sizeBytes)}</td><td class="code">${text(s.text)}${shared}${targets}</td></tr>`
    );
  });
  return (
    `<section id="steps"><h2>All steps (${report.steps.length})</h2><table class="steps"><thead><tr>` +
    '<th>Step</th><th>Stage</th><th class="n">Line</th><th>Status</th><th class="n">Time</th><th class="n">Share</th>' +
    `<th class="n">Size</th><th>Instruction</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></section>`
  );
}

function footer(report: BuildReport): string {
  const facts: string[] = [];
  if (report.totals.contextBytes !== null) facts.push(`Build context sent: ${bytes(report.totals.contextBytes)}.`);
  if (report.sizes?.image)
    facts.push(`Image <code>${text(report.sizes.image.ref, 300)}</code>: ${bytes(report.sizes.image.sizeBytes)}.`);
  for (const n of report.sizes?.notMeasured ?? [])
    facts.push(`Size of <code>${text(n.stage, 200)}</code> not measured: ${text(n.reason, 500)}`);
  const source = report.source.file ? ` from <code>${text(report.source.file, 300)}</code>` : '';
  const dockerfile = report.dockerfile ? `, Dockerfile <code>${text(report.dockerfile.path, 300)}</code>` : '';
  facts.push(
    `${text(report.tool.name, 100)} ${text(report.tool.version, 40)} · ${text(report.source.format, 20)} log${source}` +
      `${dockerfile} · ${text(report.generatedAt, 60)}`,
  );
  return `<footer>${facts.map((f) => `<p>${f}</p>`).join('')}</footer>`;
}

const CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--alt:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:16px 0 4px}
code,pre,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.code{white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--alt)}td.n,th.n{text-align:right;white-space:nowrap}tbody tr:nth-child(even){background:#fbfcfd}
tr.regressed td:first-child{border-left:3px solid var(--bad)}
.headline p{margin:4px 0;font-size:15px}.verdict{margin:8px 0 4px}.pill{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:1px 10px;margin:2px 4px 2px 0;background:var(--alt)}
.good{color:var(--good)}.bad{color:var(--bad)}.warn{color:var(--warn)}.pill.good{border-color:var(--good)}.pill.bad{border-color:var(--bad)}.pill.warn{border-color:var(--warn)}
.counts,.note,.where,footer{color:var(--muted)}.worse{color:var(--bad)}.better{color:var(--good)}
.st{display:inline-block;min-width:56px;border-radius:4px;padding:0 6px;font-size:12px;text-align:center;background:var(--alt)}
.st-cached{background:#dafbe1}.st-ran{background:#fff8c5}.st-error{background:#ffebe9;color:var(--bad)}.st-canceled,.st-unfinished{background:#eaeef2}.st-source{background:#ddf4ff}
.miss{font-size:12px;color:var(--muted)}td.id{white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure.chart{margin:0;padding:8px;border:1px solid var(--line);border-radius:6px;max-width:100%}
figure.chart svg{display:block;max-width:100%;height:auto}figcaption{margin-top:4px;color:var(--muted);text-align:center}
pre{background:var(--alt);border:1px solid var(--line);border-radius:6px;padding:8px 12px;overflow-x:auto;white-space:pre}
pre .add{color:var(--good)}pre .del{color:var(--bad)}pre .hunk{color:#8250df}pre .file{font-weight:600}
article.suggestion{margin-bottom:16px}ol.path{padding-left:24px}
.diagnosis{border-left:3px solid var(--warn);padding-left:10px;margin:12px 0}.diagnosis.error{border-left-color:var(--bad)}.diagnosis.info{border-left-color:var(--line)}
@media print{body{max-width:none;padding:0}pre{white-space:pre-wrap}}
`
  .trim()
  .replace(/\n/g, '');

/** No script may run and nothing may be fetched: inline styles and data: images only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The report as one self-contained HTML page (no script, nothing fetched); charts are inlined SVG. */
export function renderHtml(report: BuildReport, charts: Chart[]): string {
  const byId = stepsById(report);
  const title = `BuildKit cache analysis${report.source.file ? ` – ${text(report.source.file, 100)}` : ''}`;
  const nav = [
    ['errors', report.errors.length > 0 || report.steps.some((s) => s.status === 'error')],
    ['regressions', report.comparison !== undefined],
    ['remote-cache', remoteCacheOf(report) !== null],
    ['root-causes', (report.analysis?.rootCauses.length ?? 0) > 0],
    ['suggestions', (report.analysis?.suggestions.length ?? 0) > 0],
    ['charts', charts.length > 0],
    ['stages', report.stages.length > 0],
    ['steps', true],
  ]
    .filter(([, present]) => present)
    .map(([id]) => `<a href="#${id}">${String(id).replace('-', ' ')}</a>`)
    .join(' · ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${title}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    header(report),
    `<nav>${nav}</nav>`,
    '<main>',
    errorsSection(report),
    regressionsSection(report, byId),
    remoteCacheHtml(report),
    rootCausesSection(report, byId),
    suggestionsSection(report),
    criticalPathSection(report, byId),
    warningsSection(report, byId),
    chartsSection(charts),
    targetsSection(report),
    stagesSection(report),
    stepsSection(report, byId),
    '</main>',
    footer(report),
    '</body>',
    '</html>',
  ]
    .filter((part) => part !== '')
    .join('\n')
    .concat('\n');
}
