// The "Remote cache" section of every human output (markdown for the comment and summary, terminal text, HTML):
// only when the build used a remote cache or a cache diagnosis fired. Log text (refs, errors, evidence) is escaped.
import type { BuildReport, CacheDiagnosis, CacheExport, CacheImport, RemoteCacheReport } from '../model/report.js';
import { escapeHtml, fence } from './escape.js';
import { codeSpan, proseWithCode, toMarkdown } from './inline.js';
import { bytes, oneLine, percent, seconds } from './format.js';

/** Diagnoses shown in full; the JSON report has them all. */
const MAX_DIAGNOSES = 10;
const MAX_ROWS = 20;

/** Null when there is nothing to show. */
export function remoteCacheOf(report: BuildReport): RemoteCacheReport | null {
  const rc = report.remoteCache;
  if (!rc) return null;
  return rc.imports.length || rc.exports.length || rc.diagnoses.length ? rc : null;
}

function importOutcome(i: CacheImport): string {
  if (i.outcome === 'error') return `failed (${i.errorKind ?? 'error'})`;
  return i.outcome === 'ok' ? 'read' : 'unfinished';
}

function exportOutcome(e: CacheExport): string {
  if (e.outcome === 'error') return `failed (${e.errorKind ?? 'error'})`;
  return e.outcome === 'ok' ? 'written' : e.outcome;
}

function exportDetail(e: CacheExport): string {
  const parts = [
    e.mode ? `mode=${e.mode}` : null,
    e.layers ? `${e.layers} layers` : null,
    e.bytes !== null ? bytes(e.bytes) : null,
    e.preparingSeconds !== null ? `${seconds(e.preparingSeconds)} preparing` : null,
  ].filter((p): p is string => p !== null);
  return parts.join(', ');
}

/** One sentence: what the import served, and the export's cost. */
export function remoteCacheHeadline(rc: RemoteCacheReport): string {
  const parts: string[] = [];
  if (rc.imports.length) {
    const ok = rc.imports.filter((i) => i.outcome === 'ok').length;
    parts.push(
      `${rc.imports.length} import(s) in ${seconds(rc.importSeconds)}, ${ok} read` +
        (ok ? `, serving ${rc.served.steps.length} cached step(s)` : ''),
    );
  }
  if (rc.exports.length) {
    parts.push(`export ${seconds(rc.exportSeconds)} (${percent(rc.exportShare)} of the build)`);
  }
  if (rc.usage) parts.push(`Actions cache ${percent(rc.usage.share)} full`);
  return parts.join('; ');
}

function severityMark(d: CacheDiagnosis): string {
  return d.severity === 'error' ? '❌' : d.severity === 'warning' ? '⚠️' : 'ℹ️';
}

/** Log-derived prose in a table cell or a line: escaped, any mention or link shown as code. */
function cell(text: string, max = 80): string {
  return toMarkdown([{ text: oneLine(text, max) }], true);
}

/** A ref or other log value: a code span (inert in GitHub's markdown, and read as it is). */
function ref(text: string | null, max = 60): string {
  return text ? codeSpan(oneLine(text, max), true) : '';
}

/** A sentence of ours that names log values between backticks (the diagnoses write them so). */
function sentence(text: string, max: number): string {
  return toMarkdown(proseWithCode(oneLine(text, max)));
}

export function remoteCacheMarkdown(report: BuildReport): string[] {
  const rc = remoteCacheOf(report);
  if (!rc) return [];
  const out = ['', '### Remote cache', '', sentence(remoteCacheHeadline(rc), 300)];
  if (rc.imports.length || rc.exports.length) {
    out.push('', '| | Backend | Ref | Time | Outcome | Detail |', '|---|---|---|---:|---|---|');
    for (const i of rc.imports.slice(0, MAX_ROWS)) {
      const detail = i.layersFound !== null ? `${i.layersFound} layers found` : '';
      out.push(
        `| import | ${i.backend} | ${ref(i.ref)} | ${seconds(i.seconds)} | ${importOutcome(i)} | ${cell(detail)} |`,
      );
    }
    for (const e of rc.exports.slice(0, MAX_ROWS)) {
      out.push(
        `| export | ${e.backend} | ${ref(e.ref)} | ${seconds(e.seconds)} | ${exportOutcome(e)} | ${cell(exportDetail(e))} |`,
      );
    }
  }
  for (const d of rc.diagnoses.slice(0, MAX_DIAGNOSES)) {
    out.push('', `${severityMark(d)} **${d.kind}**: ${sentence(d.message, 600)}`);
    if (d.evidence.length) out.push('', fence(d.evidence.map((e) => oneLine(e, 300)).join('\n')));
    if (d.fix) out.push('', 'Fix:', '', fence(d.fix, 'yaml'));
  }
  if (rc.diagnoses.length > MAX_DIAGNOSES) {
    out.push('', `${rc.diagnoses.length - MAX_DIAGNOSES} more in the JSON report.`);
  }
  return out;
}

export function remoteCacheText(report: BuildReport): string[] {
  const rc = remoteCacheOf(report);
  if (!rc) return [];
  const out = ['', `Remote cache: ${remoteCacheHeadline(rc)}`];
  for (const i of rc.imports.slice(0, MAX_ROWS)) {
    out.push(
      `  import ${i.backend} ${oneLine(i.ref, 80)}: ${importOutcome(i)}, ${seconds(i.seconds)}${i.error ? `: ${oneLine(i.error, 160)}` : ''}`,
    );
  }
  for (const e of rc.exports.slice(0, MAX_ROWS)) {
    const detail = exportDetail(e);
    out.push(
      `  export ${e.backend}${e.ref ? ` ${oneLine(e.ref, 80)}` : ''}: ${exportOutcome(e)}, ${seconds(e.seconds)}${detail ? ` (${detail})` : ''}${e.error ? `: ${oneLine(e.error, 160)}` : ''}`,
    );
  }
  for (const d of rc.diagnoses.slice(0, MAX_DIAGNOSES)) {
    out.push(`  ${d.severity}: [${d.kind}] ${oneLine(d.message, 400)}`);
    for (const e of d.evidence) out.push(`      | ${oneLine(e, 200)}`);
    if (d.fix) for (const line of d.fix.split('\n')) out.push(`      fix: ${oneLine(line, 200)}`);
  }
  return out;
}

function h(text: string, max = 300): string {
  return escapeHtml(oneLine(text, max));
}

export function remoteCacheHtml(report: BuildReport): string {
  const rc = remoteCacheOf(report);
  if (!rc) return '';
  const rows = [
    ...rc.imports
      .slice(0, MAX_ROWS)
      .map(
        (i) =>
          `<tr><td>import</td><td>${h(i.backend)}</td><td>${h(i.ref, 120)}</td><td class="n">${seconds(i.seconds)}</td><td>${h(importOutcome(i))}</td><td>${h(i.error ?? '')}</td></tr>`,
      ),
    ...rc.exports
      .slice(0, MAX_ROWS)
      .map(
        (e) =>
          `<tr><td>export</td><td>${h(e.backend)}</td><td>${h(e.ref ?? '', 120)}</td><td class="n">${seconds(e.seconds)}</td><td>${h(exportOutcome(e))}</td><td>${h([exportDetail(e), e.error ?? ''].filter(Boolean).join('; '))}</td></tr>`,
      ),
  ];
  const table = rows.length
    ? `<table><thead><tr><th></th><th>Backend</th><th>Ref</th><th>Time</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '';
  const diagnoses = rc.diagnoses
    .slice(0, MAX_DIAGNOSES)
    .map(
      (d) =>
        `<div class="diagnosis ${d.severity}"><p><strong>${h(d.kind)}</strong>: ${h(d.message, 600)}</p>` +
        (d.evidence.length ? `<pre>${d.evidence.map((e) => h(e)).join('\n')}</pre>` : '') +
        (d.fix ? `<p>Fix:</p><pre>${escapeHtml(d.fix)}</pre>` : '') +
        '</div>',
    )
    .join('');
  return `<section id="remote-cache"><h2>Remote cache</h2><p>${h(remoteCacheHeadline(rc))}</p>${table}${diagnoses}</section>`;
}
