import type { BuildReport, StageSummary, Step } from '../model/report.js';
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
import {
  bytes,
  lastFrame,
  oneLine,
  percent,
  seconds,
  servedTargets,
  stageSeconds,
  stepSeconds,
  stepsByStage,
  STEPS_LISTED,
} from './format.js';
import { code, joinInline, toText } from './inline.js';
import { remoteCacheText } from './remote-cache.js';

const TAIL_LINES = 10;
/** Steps named under a root cause (the JSON report has them all). */
const CASCADE_NAMED = 10;
/** Root causes listed, costliest first: past a screenful the rest is a count (the JSON report has them all). */
const CAUSES_SHOWN = 20;
/** Suggestions shown with their diff, then named one per line, then counted (`--format json` or `--out` has all). */
const SUGGESTIONS_WITH_DIFF = 10;
const SUGGESTIONS_NAMED = 30;
/** Where the rest of a capped list is. */
const LISTED_IN_JSON = ' (--format json lists them all)';
/** Steps named on the critical path, as in the markdown. */
const PATH_NAMED = 30;

function stepLine(step: Step, all = 0): string {
  const idx = step.index === null ? '' : `${step.index}/${step.count}`;
  const time = stepSeconds(step);
  const share = step.share === null || step.status === 'source' ? '' : percent(step.share);
  const where = step.lines ? `L${step.lines.start}` : '';
  const size = step.sizeBytes !== null ? `  [${bytes(step.sizeBytes)}]` : '';
  const shared = step.sharedWith.length ? `  [ran once, also for ${step.sharedWith.join(', ')}]` : '';
  const targets = step.targets ? `  [ran once for ${servedTargets(step.targets, all)}]` : '';
  const miss = step.miss ? `  (${step.miss.role === 'root' ? 'root cause' : 'set off by an earlier step'})` : '';
  return `  ${idx.padStart(6)}  ${step.status.padEnd(10)} ${time.padStart(7)} ${share.padStart(4)}  ${where.padEnd(5)}${oneLine(step.text, 90)}${size}${shared}${targets}${miss}`;
}

function causeLines(g: CauseGroup, report: BuildReport, byId: ReadonlyMap<string, Step>, none: boolean): string[] {
  const name = g.root ? stepName(g.root, report) : [code(g.cause.stepId, 60)];
  const out = [
    `  ${seconds(g.cause.seconds).padStart(7)}  ${toText(name)}`,
    `           why: ${toText(whyPhrase(g.cause, none))}`,
  ];
  const after = g.cause.cascade;
  if (after.length) {
    const named = after.slice(0, CASCADE_NAMED).map((id) => {
      const s = byId.get(id);
      return s ? [code(s.text, 40), s.lines ? ` (${linesLabel(s.lines)})` : ''] : [code(id, 40)];
    });
    const more = after.length > CASCADE_NAMED ? ` and ${after.length - CASCADE_NAMED} more` : '';
    out.push(
      `           then re-ran ${after.length} step${after.length === 1 ? '' : 's'}: ${toText(joinInline(named))}${more}`,
    );
  }
  return out;
}

function stageHead(stage: StageSummary, name: string): string {
  const declared =
    stage.declaredSteps !== null && stage.declaredSteps !== stage.steps ? ` of ${stage.declaredSteps} declared` : '';
  return `${name}: ${stage.steps} steps${declared}, cache hits ${percent(stage.cachedRatio)}, ${stageSeconds(stage)}`;
}

/**
 * Per stage and its steps; a build of several bake/compose targets as target → stage → step, each target's rollup
 * counting the steps BuildKit ran once for it and others (listed once, under the label BuildKit printed).
 */
function stageBlocks(report: BuildReport): string[] {
  const out: string[] = [];
  const byStage = stepsByStage(report.steps);
  const stageByKey = new Map(report.stages.map((s) => [s.key, s]));
  const listed = new Set<string>();
  // The steps each target counts but that are listed under another's label, found in one pass over the steps.
  const elsewhereOf = new Map<string, Step[]>();
  for (const step of report.targets?.length ? report.steps : [])
    for (const name of step.targets ?? [])
      if (step.target !== name) {
        const list = elsewhereOf.get(name);
        if (list) list.push(step);
        else elsewhereOf.set(name, [step]);
      }
  // Past STEPS_LISTED lines the steps (and the headings they would come under) are counted, not printed.
  let shown = 0;
  let more = 0;
  const moreStages = new Set<string>();
  const full = () => shown >= STEPS_LISTED;
  const list = (key: string, all?: number) => {
    const steps = byStage.get(key) ?? [];
    let i = 0;
    for (; i < steps.length && !full(); i++, shown++) out.push(stepLine(steps[i], all));
    if (i < steps.length) {
      more += steps.length - i;
      moreStages.add(key);
    }
  };
  for (const t of report.targets ?? []) {
    if (!full()) {
      const facts = [`${t.steps} steps`, `cache hits ${percent(t.cachedRatio)}`, stageSeconds(t)];
      if (t.contextBytes !== null) facts.push(`context ${bytes(t.contextBytes)}`);
      if (t.sharedSteps) facts.push(`${t.sharedSteps} ran once with other targets`);
      out.push('', `Target ${t.name}: ${facts.join(', ')}`);
    }
    for (const key of t.stages) {
      const stage = stageByKey.get(key);
      if (!stage) continue;
      listed.add(key);
      // A target's unnamed single stage is the target itself: no second heading.
      // Platform and stage both: two platforms' `builder` stages must not read alike.
      const sub = [stage.platform, stage.stage].filter((p): p is string => p !== null).join('/') || null;
      if (!full() && (sub !== null || t.stages.length > 1)) out.push(stageHead(stage, `  Stage ${sub ?? '(default)'}`));
      list(key, report.targets?.length);
    }
    const elsewhere = elsewhereOf.get(t.name) ?? [];
    if (elsewhere.length && !full()) {
      const under = [...new Set(elsewhere.map((step) => step.target))].join(', ');
      const named = elsewhere.length <= 2 ? `: ${elsewhere.map((step) => oneLine(step.text, 50)).join('; ')}` : '';
      out.push(
        `          + ${elsewhere.length} step${elsewhere.length === 1 ? '' : 's'} listed under ${under} (BuildKit ran ${elsewhere.length === 1 ? 'it' : 'them'} once for this target too)${named}`,
      );
    }
  }
  for (const stage of report.stages) {
    if (listed.has(stage.key)) continue;
    if (!full()) out.push('', stageHead(stage, `Stage ${stage.key}`));
    list(stage.key);
  }
  if (more)
    out.push(
      '',
      `… and ${more} more step${more === 1 ? '' : 's'} in ${moreStages.size} stage${moreStages.size === 1 ? '' : 's'}${LISTED_IN_JSON}`,
    );
  return out;
}

/** The terminal report: the answer first, then causes, fixes, and per stage and per step. */
export function renderText(report: BuildReport): string {
  const out: string[] = [];
  const t = report.totals;
  const byId = stepsById(report);
  const file = report.source.file ?? 'stdin';
  out.push(`BuildKit cache analysis of ${file} (${report.source.format}, ${report.source.lines} lines)`);
  for (const l of headline(report, byId).lines) out.push(toText(l));
  out.push(toText(statusLine(report)));
  for (const reason of report.incompleteReasons) out.push(`  ! ${oneLine(reason, 160)}`);

  if (report.errors.length || report.steps.some((s) => s.status === 'error')) {
    out.push('', 'Errors:');
    for (const e of report.errors) out.push(`  ${oneLine(e, 200)}`);
    for (const s of report.steps.filter((st) => st.status === 'error' && st.logTail.length)) {
      out.push(`  Last log lines of ${toText(stepName(s, report))}:`);
      for (const line of s.logTail.slice(-TAIL_LINES)) out.push(`    | ${oneLine(lastFrame(line), 160)}`);
    }
  }
  // Appended line by line: a spread of 100,000 suggestions' lines overflows the call stack.
  for (const part of [causeSections(report, byId), remoteCacheText(report), suggestionLines(report)])
    for (const line of part) out.push(line);

  if (report.builder) out.push('', `Builder: ${report.builder.name} (${report.builder.driver} driver)`);
  const c = t.counts;
  out.push(
    '',
    `Steps: ${t.steps} — ${c.cached} cached, ${c.ran} ran, ${c.error} error, ${c.canceled} canceled, ` +
      `${c.source} source${c.unfinished ? `, ${c.unfinished} unfinished` : ''}; cache hits ${percent(t.cachedRatio)} of cacheable steps`,
  );
  const wall = t.wallSeconds === null ? 'wall time not in the log' : `wall ${seconds(t.wallSeconds)}`;
  out.push(
    `Time: ${wall}; step time ${seconds(t.stepSeconds)} (stages overlap); shares are of ${t.shareBasis === 'wall' ? 'wall time' : 'step time'}`,
  );
  if (t.contextBytes !== null) out.push(`Build context sent: ${bytes(t.contextBytes)}`);
  if (report.sizes) {
    const img = report.sizes.image;
    out.push(`Image: ${img ? `${bytes(img.sizeBytes)} (${img.ref})` : 'not measured'}`);
    for (const n of report.sizes.notMeasured) out.push(`  size of ${n.stage} not measured: ${oneLine(n.reason, 140)}`);
  }
  for (const line of stageBlocks(report)) out.push(line);
  const slow = report.slowestRan.map((id) => byId.get(id)!).filter((s) => s && (s.seconds ?? 0) >= 0.05);
  if (slow.length) {
    out.push('', 'Slowest re-run steps:');
    slow.forEach((s, i) => {
      out.push(
        `  ${i + 1}. ${seconds(s.seconds).padStart(7)} ${percent(s.share).padStart(4)}  ${toText(stepName(s, report))}`,
      );
    });
  }
  const a = report.analysis;
  // A path of one step is the slowest step, named just above.
  if (a && a.criticalPath.steps.length > 1) {
    const all = a.criticalPath.steps;
    const path = all.slice(0, PATH_NAMED).map((p) => {
      const s = byId.get(p.id);
      return `${s ? `${toText([code(s.text, 40)])}${s.lines ? ` (${linesLabel(s.lines)})` : ''}` : p.id} ${seconds(p.seconds)}`;
    });
    if (all.length > PATH_NAMED) path.push(`… ${all.length - PATH_NAMED} more steps`);
    out.push('', `Critical path ${seconds(a.criticalPath.seconds)} (graph from ${a.graph}): ${path.join(' -> ')}`);
  }
  if (report.warnings.length) {
    out.push('', `Warnings (${report.warnings.length}):`);
    for (const w of report.warnings)
      out.push(`  - ${w.line !== null ? `line ${w.line}: ` : ''}${oneLine(w.message, 200)}`);
  }
  if (report.problems.length) {
    out.push('', 'Input problems:');
    for (const p of report.problems)
      out.push(`  - ${p.line === null ? '' : `line ${p.line}: `}${oneLine(p.message, 160)}`);
  }
  if (report.run && report.run.overheadSeconds !== null)
    out.push(
      '',
      `This analysis took ${seconds(report.run.overheadSeconds)} beyond the ${seconds(report.run.buildSeconds)} build.`,
    );
  return out.join('\n') + '\n';
}

/** Regressions grouped by root cause (with a baseline), else why steps re-ran; then the other causes. */
function causeSections(report: BuildReport, byId: ReadonlyMap<string, Step>): string[] {
  const out: string[] = [];
  const none = noneCached(report);
  const all = causeGroups(report, byId);
  const c = report.comparison;
  if (!c) {
    if (all.length && !none) {
      out.push('', 'Why steps re-ran (root causes, costliest first):');
      listCauses(out, all, report, byId, none);
    }
    return out;
  }
  const { groups, loose } = regressionGroups(report, byId);
  out.push(
    '',
    `Against ${toText(baselineName(c))}: ${c.regressions ? `${c.regressions} regression${c.regressions === 1 ? '' : 's'}` : 'no regressions'}`,
  );
  if (!c.regressions && baselineCold(c))
    out.push('  That baseline was a cold build (nothing cached), so no step can show as having lost its cache.');
  listCauses(out, groups, report, byId, none);
  for (const s of loose.slice(0, CAUSES_SHOWN)) {
    const step = byId.get(s.id);
    const what = s.regressions.map((r) => {
      if (r === 'lost-cache') return `lost its cache (${s.status.from} -> ${s.status.to})`;
      if (r === 'slower') return `slower ${seconds(s.seconds.from)} -> ${seconds(s.seconds.to)}`;
      if (r === 'bigger') return `bigger ${bytes(s.sizeBytes.from)} -> ${bytes(s.sizeBytes.to)}`;
      return 'failed';
    });
    out.push(`  ${step ? toText(stepName(step, report)) : oneLine(s.text, 60)}: ${what.join('; ')}`);
  }
  if (loose.length > CAUSES_SHOWN)
    out.push(`  … and ${loose.length - CAUSES_SHOWN} more regressed steps${LISTED_IN_JSON}`);
  for (const s of c.stages.filter((st) => st.regressions.length)) {
    out.push(
      `  stage ${s.key}: ${s.regressions.includes('slower') ? `${seconds(s.seconds.from)} -> ${seconds(s.seconds.to)} ` : ''}${s.regressions.includes('bigger') ? `${bytes(s.sizeBytes.from)} -> ${bytes(s.sizeBytes.to)}` : ''}`.trimEnd(),
    );
  }
  if (c.image.bigger) out.push(`  image: ${bytes(c.image.sizeBytes.from)} -> ${bytes(c.image.sizeBytes.to)}`);
  if (c.added.length)
    out.push(
      `  new steps: ${c.added.map((id) => (byId.get(id) ? toText(stepName(byId.get(id)!, report)) : id)).join(', ')}`,
    );
  if (c.removed.length) out.push(`  steps gone: ${c.removed.map((r) => oneLine(r.text, 40)).join(', ')}`);
  for (const e of c.newErrors) out.push(`  new error: ${oneLine(e, 160)}`);
  for (const w of c.newWarnings) out.push(`  new warning: ${oneLine(w, 160)}`);
  const shown = new Set(groups.map((g) => g.cause));
  const rest = all.filter((g) => !shown.has(g.cause));
  if (rest.length) {
    out.push('', 'Other steps that re-ran:');
    listCauses(out, rest, report, byId, none);
  }
  return out;
}

/** The first CAUSES_SHOWN groups, then one line counting the rest and the time they cost. */
function listCauses(
  out: string[],
  groups: CauseGroup[],
  report: BuildReport,
  byId: ReadonlyMap<string, Step>,
  none: boolean,
) {
  const shown = Math.min(groups.length, CAUSES_SHOWN);
  for (let i = 0; i < shown; i++) for (const line of causeLines(groups[i], report, byId, none)) out.push(line);
  if (groups.length > shown) {
    let rest = 0;
    for (let i = shown; i < groups.length; i++) rest += groups[i].cause.seconds;
    const n = groups.length - shown;
    out.push(`  … and ${n} more cause${n === 1 ? '' : 's'}, ${seconds(rest)} in all${LISTED_IN_JSON}`);
  }
}

function suggestionLines(report: BuildReport): string[] {
  const a = report.analysis;
  if (!a?.suggestions.length) return [];
  const out = ['', `Suggestions (${a.suggestions.length}, the top one first):`];
  const texts = stepTextOf(report);
  const named = Math.min(a.suggestions.length, SUGGESTIONS_WITH_DIFF + SUGGESTIONS_NAMED);
  for (let i = 0; i < named; i++) {
    const sug = a.suggestions[i];
    const history = historyText(sug);
    const h = history.length ? `; the step it protects ${toText(history)}` : '';
    if (i === SUGGESTIONS_WITH_DIFF) out.push('  More, without their diffs:');
    out.push(`  ${i + 1}. ${sug.title} (${linesLabel(sug.lines)}; ${gainText(sug, texts)}${h}) [${sug.rule}]`);
    if (i >= SUGGESTIONS_WITH_DIFF) continue;
    out.push(`     ${oneLine(sug.why, 200)}`);
    for (const line of sug.diff.trimEnd().split('\n')) out.push(`     ${line}`);
  }
  const n = a.suggestions.length - named;
  if (n > 0)
    out.push(`  … and ${n} more suggestion${n === 1 ? '' : 's'}${LISTED_IN_JSON.slice(0, -1)}, with their diffs)`);
  return out;
}
