import type { BuildReport, Step } from '../model/report.js';
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
import { remoteCacheText } from './remote-cache.js';

const TAIL_LINES = 10;

function verdict(report: BuildReport): string {
  if (report.failed) return 'FAILED';
  return report.complete ? 'complete' : 'INCOMPLETE';
}

function stepLine(step: Step): string {
  const idx = step.index === null ? '' : `${step.index}/${step.count}`;
  const time = stepSeconds(step);
  const share = step.share === null || step.status === 'source' ? '' : percent(step.share);
  const where = step.lines ? `L${step.lines.start}` : '';
  const size = step.sizeBytes !== null ? `  [${bytes(step.sizeBytes)}]` : '';
  const shared = step.sharedWith.length ? `  [ran once, also for ${step.sharedWith.join(', ')}]` : '';
  const miss = step.miss
    ? `  (${step.miss.role === 'root' ? 'root cause' : `cascade of ${step.miss.roots.join(', ')}`})`
    : '';
  return `  ${idx.padStart(6)}  ${step.status.padEnd(10)} ${time.padStart(7)} ${share.padStart(4)}  ${where.padEnd(5)}${oneLine(step.text, 90)}${size}${shared}${miss}`;
}

/** The terminal report: per stage and per step, then the slowest re-runs, errors and warnings. */
export function renderText(report: BuildReport): string {
  const out: string[] = [];
  const t = report.totals;
  const file = report.source.file ?? 'stdin';
  out.push(
    `BuildKit cache analysis of ${file} (${report.source.format}, ${report.source.lines} lines): ${verdict(report)}`,
  );
  for (const reason of report.incompleteReasons) out.push(`  ! ${oneLine(reason, 160)}`);
  if (report.builder) out.push(`Builder: ${report.builder.name} (${report.builder.driver} driver)`);
  const c = t.counts;
  out.push(
    `Steps: ${t.steps} — ${c.cached} cached, ${c.ran} ran, ${c.error} error, ${c.canceled} canceled, ` +
      `${c.source} source${c.unfinished ? `, ${c.unfinished} unfinished` : ''}; cache hits ${percent(t.cachedRatio)} of cacheable steps`,
  );
  const wall = t.wallSeconds === null ? 'wall time not in the log' : `wall ${seconds(t.wallSeconds)}`;
  out.push(
    `Time: ${wall}; vertex time ${seconds(t.stepSeconds)} (stages overlap); shares are of ${t.shareBasis === 'wall' ? 'wall time' : 'vertex time'}`,
  );
  if (t.contextBytes !== null) out.push(`Build context sent: ${bytes(t.contextBytes)}`);
  if (report.sizes) {
    const img = report.sizes.image;
    out.push(`Image: ${img ? `${bytes(img.sizeBytes)} (${img.ref})` : 'not measured'}`);
    for (const n of report.sizes.notMeasured) out.push(`  size of ${n.stage} not measured: ${oneLine(n.reason, 140)}`);
  }

  for (const stage of report.stages) {
    const declared =
      stage.declaredSteps !== null && stage.declaredSteps !== stage.steps ? ` of ${stage.declaredSteps} declared` : '';
    out.push('');
    out.push(
      `Stage ${stage.key}: ${stage.steps} steps${declared}, cache hits ${percent(stage.cachedRatio)}, ${stageSeconds(stage)}`,
    );
    for (const step of stageSteps(report.steps, stage.key)) out.push(stepLine(step));
  }

  const byId = new Map(report.steps.map((s) => [s.id, s]));
  if (report.slowestRan.length) {
    out.push('', 'Slowest re-run steps:');
    report.slowestRan.forEach((id, i) => {
      const s = byId.get(id)!;
      out.push(
        `  ${i + 1}. ${stepSeconds(s).padStart(7)} ${percent(s.share).padStart(4)}  ${id}  ${oneLine(s.text, 80)}`,
      );
    });
  }
  out.push(...analysisLines(report, byId));
  out.push(...comparisonLines(report));
  out.push(...remoteCacheText(report));
  if (report.errors.length) {
    out.push('', 'Errors:');
    for (const e of report.errors) out.push(`  ${oneLine(e, 200)}`);
    for (const s of report.steps.filter((st) => st.status === 'error' && st.logTail.length)) {
      out.push(`  Last log lines of ${s.id} (${oneLine(s.text, 60)}):`);
      for (const line of s.logTail.slice(-TAIL_LINES)) out.push(`    | ${oneLine(lastFrame(line), 160)}`);
    }
  }
  if (report.warnings.length) {
    out.push('', `Warnings (${report.warnings.length}):`);
    for (const w of report.warnings) out.push(`  - ${oneLine(w.message, 200)}`);
  }
  if (report.problems.length) {
    out.push('', 'Input problems:');
    for (const p of report.problems)
      out.push(`  - ${p.line === null ? '' : `line ${p.line}: `}${oneLine(p.message, 160)}`);
  }
  return out.join('\n') + '\n';
}

function analysisLines(report: BuildReport, byId: Map<string, Step>): string[] {
  const a = report.analysis;
  if (!a) return [];
  const out: string[] = [];
  if (a.rootCauses.length) {
    out.push('', 'Why steps re-ran (root causes, costliest first):');
    for (const c of a.rootCauses) {
      const s = byId.get(c.stepId);
      out.push(`  ${c.stepId}  ${oneLine(s?.text ?? '', 70)}`);
      out.push(`      ${c.kind}${c.confidence === 'likely' ? ' (likely)' : ''}: ${oneLine(c.detail, 160)}`);
      out.push(
        `      cost ${seconds(c.seconds)}${c.cascade.length ? `, with ${c.cascade.length} step(s) after it: ${c.cascade.join(', ')}` : ''}`,
      );
    }
  }
  if (a.suggestions.length) {
    out.push('', `Suggestions (${a.suggestions.length}, ranked by what they would have saved on this build):`);
    a.suggestions.forEach((sug, i) => {
      const gain = suggestionGain(sug);
      out.push(`  ${i + 1}. [${sug.rule}] ${sug.title} (lines ${sug.lines.start}-${sug.lines.end}; ${gain})`);
      out.push(`     ${oneLine(sug.why, 200)}`);
      for (const line of sug.diff.trimEnd().split('\n')) out.push(`     ${line}`);
    });
  }
  if (a.criticalPath.steps.length) {
    const path = a.criticalPath.steps.map((p) => `${p.id} ${seconds(p.seconds)} (${percent(p.share)})`).join(' -> ');
    out.push('', `Critical path ${seconds(a.criticalPath.seconds)} (graph from ${a.graph}): ${path}`);
  }
  return out;
}

function comparisonLines(report: BuildReport): string[] {
  const c = report.comparison;
  if (!c) return [];
  const out = [
    '',
    `Against the baseline of ${c.baseline.generatedAt}: ${c.regressions ? `${c.regressions} regression(s)` : 'no regressions'}`,
  ];
  for (const s of c.steps.filter((st) => st.regressions.length)) {
    const what = s.regressions.map((r) => {
      if (r === 'lost-cache') return `lost its cache (${s.status.from} -> ${s.status.to})`;
      if (r === 'slower') return `slower ${seconds(s.seconds.from)} -> ${seconds(s.seconds.to)}`;
      if (r === 'bigger') return `bigger ${bytes(s.sizeBytes.from)} -> ${bytes(s.sizeBytes.to)}`;
      return 'new error';
    });
    out.push(`  ${s.id}  ${oneLine(s.text, 60)}: ${what.join('; ')}`);
  }
  for (const s of c.stages.filter((st) => st.regressions.length)) {
    out.push(
      `  stage ${s.key}: ${s.regressions.includes('slower') ? `${seconds(s.seconds.from)} -> ${seconds(s.seconds.to)} ` : ''}${s.regressions.includes('bigger') ? `${bytes(s.sizeBytes.from)} -> ${bytes(s.sizeBytes.to)}` : ''}`.trimEnd(),
    );
  }
  if (c.image.bigger) out.push(`  image: ${bytes(c.image.sizeBytes.from)} -> ${bytes(c.image.sizeBytes.to)}`);
  if (c.added.length) out.push(`  added: ${c.added.join(', ')}`);
  if (c.removed.length) out.push(`  removed: ${c.removed.map((r) => r.id).join(', ')}`);
  for (const e of c.newErrors) out.push(`  new error: ${oneLine(e, 160)}`);
  for (const w of c.newWarnings) out.push(`  new warning: ${oneLine(w, 160)}`);
  return out;
}
