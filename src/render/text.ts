import type { BuildReport, Step } from '../model/report.js';
import { bytes, lastFrame, oneLine, percent, seconds } from './format.js';

const TAIL_LINES = 10;

function verdict(report: BuildReport): string {
  if (report.failed) return 'FAILED';
  return report.complete ? 'complete' : 'INCOMPLETE';
}

function stepLine(step: Step): string {
  const idx = step.index === null ? '' : `${step.index}/${step.count}`;
  const time = step.status === 'cached' || step.status === 'source' ? '' : seconds(step.seconds);
  const share = step.share === null || step.status === 'source' ? '' : percent(step.share);
  const where = step.lines ? `L${step.lines.start}` : '';
  const shared = step.sharedWith.length ? `  [ran once, also for ${step.sharedWith.join(', ')}]` : '';
  return `  ${idx.padStart(6)}  ${step.status.padEnd(10)} ${time.padStart(7)} ${share.padStart(4)}  ${where.padEnd(5)}${oneLine(step.text, 90)}${shared}`;
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

  for (const stage of report.stages) {
    const declared =
      stage.declaredSteps !== null && stage.declaredSteps !== stage.steps ? ` of ${stage.declaredSteps} declared` : '';
    out.push('');
    out.push(
      `Stage ${stage.key}: ${stage.steps} steps${declared}, cache hits ${percent(stage.cachedRatio)}, ${seconds(stage.seconds)}`,
    );
    for (const step of report.steps) {
      if (step.stageKey === stage.key) out.push(stepLine(step));
    }
  }

  const byId = new Map(report.steps.map((s) => [s.id, s]));
  if (report.slowestRan.length) {
    out.push('', 'Slowest re-run steps:');
    report.slowestRan.forEach((id, i) => {
      const s = byId.get(id)!;
      out.push(
        `  ${i + 1}. ${seconds(s.seconds).padStart(7)} ${percent(s.share).padStart(4)}  ${id}  ${oneLine(s.text, 80)}`,
      );
    });
  }
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
