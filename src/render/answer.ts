// What a reader wants first, worked out once for every output: which step cost the most re-run
// time, why it re-ran, what it cost, and the fix — the headline — and the regressions grouped by
// the root cause that set them off. The renderers only lay these out (markdown, text, HTML).
import type { BuildReport, Comparison, RootCause, Step, StepChange, Suggestion } from '../model/report.js';
import { stepsById } from '../model/steps-by-id.js';
import { code, joinInline, strong, type Inline } from './inline.js';
import { MIN_GAIN } from '../analysis/suggest/index.js';
import { bytes, lastFrame, oneLine, percent, seconds, servesAll, stepSeconds } from './format.js';

/** Instruction text in sentences and table cells: long RUNs are cut (the JSON report has them whole). */
const TEXT_MAX = 60;

export function linesLabel(lines: { start: number; end: number }): string {
  return lines.end > lines.start ? `lines ${lines.start}–${lines.end}` : `line ${lines.start}`;
}

const stageCounts = new WeakMap<BuildReport['stages'], { length: number; many: boolean }>();

/** Several stages (image sources apart): then a step's stage is worth naming. Asked once per step named: kept. */
export function manyStages(report: BuildReport): boolean {
  let known = stageCounts.get(report.stages);
  if (known?.length !== report.stages.length) {
    known = { length: report.stages.length, many: report.stages.filter((s) => s.key !== '(external)').length > 1 };
    stageCounts.set(report.stages, known);
  }
  return known.many;
}

/** Where a step is: its Dockerfile line(s) and, in a multi-stage build, its stage. */
export function stepPlace(step: Step, report: BuildReport): Inline[] {
  const parts: Inline[][] = [];
  if (step.lines) parts.push([linesLabel(step.lines)]);
  const all = report.targets?.length ?? 0;
  if (step.targets && servesAll(step.targets, all)) parts.push([`all ${all} targets`]);
  else if (step.targets) {
    const more = step.targets.length > 3 ? [` and ${step.targets.length - 3} more`] : [];
    parts.push(['targets ', ...joinInline(step.targets.slice(0, 3).map((t) => [code(t, 40)])), ...more]);
  } else if (step.target !== null && (report.targets?.length ?? 0) > 1) parts.push(['target ', code(step.target, 40)]);
  const stage = step.target === null ? step.stageKey : [step.platform, step.stage].filter(Boolean).join('/');
  if (manyStages(report) && stage) parts.push(['stage ', code(stage, 40)]);
  return parts.length ? joinInline(parts) : [];
}

/** A step as people know it: its instruction text and where it is (never its id alone). */
export function stepName(step: Step, report: BuildReport, max = TEXT_MAX): Inline[] {
  const place = stepPlace(step, report);
  return place.length ? [code(step.text, max), ' (', ...place, ')'] : [code(step.text, max)];
}

/** A step id as text for people, falling back to the id when the step is not in the report. */
export function stepNameById(id: string, report: BuildReport, byId: ReadonlyMap<string, Step>): Inline[] {
  const step = byId.get(id);
  return step ? stepName(step, report) : [code(id, 60)];
}

function list(items: string[], max = 3): Inline[] {
  const shown = items.slice(0, max).map((f) => [code(f, 80)]);
  const more = items.length > max ? [` and ${items.length - max} more`] : [];
  return [...joinInline(shown), ...more];
}

/** Evidence pieces of a root cause (a cause may carry several; the first is its kind). */
function evidenceOf(cause: RootCause): Pick<RootCause, 'kind' | 'confidence' | 'files' | 'args' | 'detail'>[] {
  const extra = cause.evidence ?? [];
  return extra.length ? extra : [cause];
}

/**
 * Why a root step re-ran, as a phrase after "why:" ("copied a changed file, `src/util.js`"); `subject` makes each
 * phrase follow a step's name or "it" as a sentence ("it shows no visible change", not "it no visible change").
 */
export function whyPhrase(cause: RootCause, noneCached: boolean, subject = false, setupHint = true): Inline[] {
  const phrases = evidenceOf(cause).map((e): Inline[] => {
    switch (e.kind) {
      case 'content-changed':
        if (e.files.length === 1) return ['copied a changed file, ', code(e.files[0], 80)];
        if (e.files.length) return [`copied ${e.files.length} changed files: `, ...list(e.files)];
        // The option names are the CLI's (`--changed-files`, `--git-base`) and the action's inputs alike. The
        // headline leaves the hint out: it is for whoever sets up the workflow, not the PR's author.
        if (!setupHint) return ['most likely copied changed files'];
        return [
          'most likely copied changed files (set ',
          code('changed-files', 20),
          ' or ',
          code('git-base', 20),
          ' to name them)',
        ];
      case 'instruction-changed':
        return [subject ? 'has a changed Dockerfile line' : 'its Dockerfile line changed'];
      case 'base-image-changed':
        return [subject ? 'is on a changed base image' : 'its base image changed'];
      case 'build-arg-changed':
        return e.args.length === 1
          ? ['reads the build-arg ', code(e.args[0], 60), ', whose value most likely changed']
          : ['reads the build-args ', ...list(e.args, 5), ', one of whose values most likely changed'];
      default:
        if (noneCached)
          return [
            subject
              ? 'ran in a build where nothing was cached (a new builder, '
              : 'nothing in this build was cached (a new builder, ',
            code('--no-cache'),
            ' or an evicted cache)',
          ];
        return [
          subject
            ? 'shows no visible change: its cache entry was evicted or not available to this builder'
            : 'no visible change: its cache entry was evicted or not available to this builder',
        ];
    }
  });
  return joinInline(phrases, '; ');
}

export interface CauseGroup {
  cause: RootCause;
  root: Step | undefined;
  /** The step of the group that took the longest (the root or one it set off). */
  costliest: Step | undefined;
  /** Regressed steps of the group (a comparison), or every step it re-ran. */
  steps: string[];
}

/** True when nothing in the build was cached (WORKDIR apart: BuildKit 0.8 reports it cached even then). */
export function noneCached(report: BuildReport): boolean {
  let ran = false;
  for (const s of report.steps) {
    if (s.status === 'cached' && s.instruction !== 'WORKDIR') return false;
    if (s.status === 'ran' || s.status === 'error') ran = true;
  }
  return ran;
}

function costliestOf(ids: string[], byId: ReadonlyMap<string, Step>): Step | undefined {
  let best: Step | undefined;
  for (const id of ids) {
    const s = byId.get(id);
    if (s && (best === undefined || (s.seconds ?? 0) > (best.seconds ?? 0))) best = s;
  }
  return best;
}

/** Root causes, costliest first, each with its costliest step. */
export function causeGroups(report: BuildReport, byId = stepsById(report)): CauseGroup[] {
  const causes = report.analysis?.rootCauses ?? [];
  const known = groupsOf.get(causes);
  if (known && known.byId === byId) return known.groups;
  const groups = causes.map((cause) => {
    const ids = [cause.stepId, ...cause.cascade];
    return { cause, root: byId.get(cause.stepId), costliest: costliestOf(ids, byId), steps: ids };
  });
  groupsOf.set(causes, { byId, groups });
  return groups;
}

/** The groups of one steps index: the headline and the sections of every rendering ask for the same. */
const groupsOf = new WeakMap<RootCause[], { byId: ReadonlyMap<string, Step>; groups: CauseGroup[] }>();

export interface RegressionGroups {
  /** Regressed steps by the root cause that set them off, costliest cause first. */
  groups: (CauseGroup & { changes: StepChange[] })[];
  /** Regressed steps with no root cause (slower or bigger while cached, or no analysis). */
  loose: StepChange[];
}

/** The comparison's regressed steps grouped by root cause: one row per cause, its cascade folded in. */
export function regressionGroups(report: BuildReport, byId = stepsById(report)): RegressionGroups {
  const c = report.comparison;
  if (!c) return { groups: [], loose: [] };
  const groups = causeGroups(report, byId);
  const rootOf = new Map<string, number>();
  groups.forEach((g, i) => g.steps.forEach((id) => rootOf.set(id, i)));
  const changes = new Map<number, StepChange[]>();
  const loose: StepChange[] = [];
  for (const s of c.steps) {
    if (!s.regressions.length) continue;
    const i = rootOf.get(s.id);
    if (i === undefined) loose.push(s);
    else changes.set(i, [...(changes.get(i) ?? []), s]);
  }
  return {
    groups: groups.flatMap((g, i) => (changes.has(i) ? [{ ...g, changes: changes.get(i)! }] : [])),
    loose,
  };
}

/** The regressed steps a reader counts: those that lost their cache or failed anew. */
export function lostCacheCount(c: Comparison): number {
  return c.steps.filter((s) => s.regressions.includes('lost-cache') || s.regressions.includes('new-error')).length;
}

/** The baseline as people name it: "`main` @ `abc1234`", else its commit, file or date. */
export function baselineName(c: Comparison): Inline[] {
  const b = c.baseline;
  const sha = b.commit ? code(b.commit.slice(0, 7), 7) : null;
  if (b.branch) return sha ? [code(b.branch, 60), ' @ ', sha] : [code(b.branch, 60)];
  if (sha) return ['commit ', sha];
  if (b.file) return ['the baseline ', code(b.file, 80)];
  return [`the baseline of ${oneLine(b.generatedAt, 40)}`];
}

/** The baseline build itself had nothing cached: lost cache cannot show against it. */
export function baselineCold(c: Comparison): boolean {
  return c.steps.length > 0 && !c.steps.some((s) => s.status.from === 'cached');
}

/**
 * What a suggestion is worth: measured when verified (naming the steps the edit kept cached), "not
 * recommended" when trying it changed the image, else the estimate or that it is a rule of thumb.
 * Plain text: the renderers escape it.
 */
export function gainText(s: Suggestion, stepText: (id: string) => string | null = () => null): string {
  const v = s.verification;
  const estimate = s.savedSeconds !== null ? `would have saved ${seconds(s.savedSeconds)}` : null;
  if (v?.status === 'verified' && v.secondsSaved !== null) {
    const kept = v.stepsKeptCached.map((id) => oneLine(stepText(id) ?? id, 60));
    const what = kept.length
      ? `${kept
          .slice(0, 2)
          .map((t) => `“${t}”`)
          .join(
            ', ',
          )}${kept.length > 2 ? ` and ${kept.length - 2} more` : ''} ${kept.length === 1 ? 'stays' : 'stay'} cached`
      : 'fewer steps re-run';
    return `measured: with this edit ${what}; re-run time ${seconds(v.baseRerunSeconds)} → ${seconds(v.withEditRerunSeconds)} (−${seconds(v.secondsSaved)})`;
  }
  if (v?.status === 'changes-image')
    return `not recommended: changes the image (${v.imageDifferences.slice(0, 3).join('; ')}${v.imageDifferences.length > 3 ? '; …' : ''})`;
  if (v?.status === 'no-gain')
    return `measured: no gain (re-run time ${seconds(v.baseRerunSeconds)} → ${seconds(v.withEditRerunSeconds)}${v.note ? `: ${v.note}` : ''})`;
  if (v && estimate) return `${estimate} (estimated; not verified: ${v.note ?? v.status})`;
  if (estimate) return `${estimate} (estimated)`;
  return s.evidence === 'static' ? 'rule of thumb, not seen in this build' : 'seen in this build';
}

/** A step's instruction text by id, for naming the steps a verified edit kept cached. */
export function stepTextOf(report: BuildReport): (id: string) => string | null {
  let lookup = stepTexts.get(report);
  if (!lookup) {
    const byId = stepsById(report);
    lookup = (id) => byId.get(id)?.text ?? null;
    stepTexts.set(report, lookup);
  }
  return lookup;
}

/** One lookup per report: the renderers ask for it once per suggestion. */
const stepTexts = new WeakMap<BuildReport, (id: string) => string | null>();

/** "re-ran in 3 of the last 5 builds of `main`", when the baseline store's history backs the suggestion. */
export function historyText(s: Suggestion): Inline[] {
  const h = s.history;
  if (!h || h.builds === 0 || h.reran === 0) return [];
  const of = h.branch ? [' of ', code(h.branch, 60)] : [];
  return [`re-ran in ${h.reran} of the last ${h.builds} build${h.builds === 1 ? '' : 's'}`, ...of];
}

/** The fix line: its title, lines and gain. */
export function fixLine(s: Suggestion, label: string, stepText?: (id: string) => string | null): Inline[] {
  const history = historyText(s);
  return [
    `${label}: `,
    strong(oneLine(s.title, 120)),
    ` (${linesLabel(s.lines)}): ${gainText(s, stepText)}`,
    ...(history.length ? ['; the step it protects ', ...history] : []),
    '.',
  ];
}

export type HeadlineKind =
  'failed' | 'incomplete' | 'no-steps' | 'cold' | 'all-cached' | 'regressions' | 'reran' | 'nothing-reran';

export interface Headline {
  kind: HeadlineKind;
  /** One to four short lines, the answer first. */
  lines: Inline[][];
}

/** A step's share, of what it divides: the build's wall time when the log has it, else the steps' summed time. */
function shareOf(step: Step, report: BuildReport): string {
  if (step.share === null) return '';
  return `, ${percent(step.share)} of the ${report.totals.shareBasis === 'wall' ? 'build' : 'step time'}`;
}

/**
 * Sentence 1 and 2 for a root cause: the costliest step it re-ran, then why and what it cost in all.
 * After a lead (the regression count), the step is named in plain words instead of a second bold part.
 */
function causeLines(g: CauseGroup, report: BuildReport, none: boolean, lead: Inline[] = []): Inline[][] {
  const step = g.costliest ?? g.root;
  if (!step) return [];
  const place = stepPlace(step, report);
  const where: Inline[] = place.length ? [' (', ...place, ')'] : [];
  const first: Inline[] = lead.length
    ? [
        ...lead,
        ' The costliest: ',
        code(step.text, TEXT_MAX),
        ...where,
        `, ${stepSeconds(step)}${shareOf(step, report)}.`,
      ]
    : [strong(code(step.text, TEXT_MAX), ` re-ran: ${stepSeconds(step)}${shareOf(step, report)}`), ...where, '.'];
  const others = g.cause.cascade.length;
  const total =
    others > 0
      ? `, and ${others} step${others === 1 ? '' : 's'} after it re-ran: ${seconds(g.cause.seconds)} in all`
      : `; ${seconds(g.cause.seconds)}`;
  const who: Inline[] = g.root && g.root !== step ? ['Why: ', ...stepName(g.root, report), ' '] : ['Why: it '];
  return [first, [...who, ...whyPhrase(g.cause, none, true, false), total, '.']];
}

function failedStep(report: BuildReport): Step | undefined {
  return report.steps.find((s) => s.status === 'error');
}

function exitCode(text: string | null): string | null {
  const m = /exit code:? (\d+)/i.exec(text ?? '');
  return m ? m[1] : null;
}

/** The last line a failed step printed (progress frames resolved), or the build's error. */
function lastErrorLine(step: Step | undefined, report: BuildReport): string | null {
  const tail = (step?.logTail ?? []).map((l) => lastFrame(l).trim()).filter(Boolean);
  return tail.at(-1) ?? report.errors[0] ?? null;
}

/** The answer, first lines of every output. */
export function headline(report: BuildReport, byId = stepsById(report)): Headline {
  const groups = causeGroups(report, byId);
  const none = noneCached(report);
  const top = report.analysis?.suggestions[0];
  const fix = top ? [fixLine(top, top.evidence === 'data' ? 'Top fix' : 'Tip', stepTextOf(report))] : [];
  // Steps re-ran, the Dockerfile was read, and no rule found an edit worth its gain: say so, not nothing.
  const noFix: Inline[][] =
    !top && report.dockerfile && report.analysis
      ? [
          [
            `No Dockerfile change to suggest: none found would save at least ${seconds(MIN_GAIN.seconds)} or ${bytes(MIN_GAIN.bytes)} per build.`,
          ],
        ]
      : [];
  const cmp = report.comparison;
  const counts = report.totals.counts;

  if (report.failed) {
    const step = failedStep(report);
    const exit = exitCode(step?.error ?? report.errors[0] ?? null);
    const last = lastErrorLine(step, report);
    const where: Inline[] = step ? [' at ', ...stepName(step, report)] : [];
    const lines: Inline[][] = [
      [
        strong('The build failed'),
        ...where,
        exit ? `: exit code ${exit}` : '',
        step?.seconds ? ` after ${stepSeconds(step)}` : '',
        '.',
      ],
    ];
    if (last) lines.push(['Last error line: ', code(last, 160)]);
    const g = groups.find((x) => x.costliest && x.costliest !== step && (x.costliest.seconds ?? 0) >= 0.05);
    if (g?.costliest) {
      lines.push(['Before it, ', ...stepName(g.costliest, report), ` re-ran for ${stepSeconds(g.costliest)}.`]);
    }
    return { kind: 'failed', lines: [...lines, ...fix] };
  }

  // A cut or unreadable log: said first, on the same line as the answer it still gives.
  const incomplete = (h: Headline): Headline => {
    if (report.complete) return h;
    const why = report.incompleteReasons[0] ?? 'the log ended early';
    const [first = [], ...rest] = h.lines;
    return {
      kind: 'incomplete',
      lines: [[strong('Incomplete report:'), ' ', code(why, 160), '. ', ...first], ...rest],
    };
  };

  const reran = counts.ran + counts.error + counts.canceled;
  if (report.totals.steps === 0) return incomplete({ kind: 'no-steps', lines: [['No build steps in this log.']] });

  if (none) {
    const costly = costliestOf(
      report.steps.filter((s) => s.status === 'ran').map((s) => s.id),
      byId,
    );
    const total = report.totals.wallSeconds ?? report.totals.stepSeconds;
    const lines: Inline[][] = [
      [
        strong('Cold build: nothing was cached'),
        `, so all ${reran} steps ran (${seconds(total)}): a new builder, `,
        code('--no-cache'),
        ' or an evicted cache.',
      ],
    ];
    if (costly)
      lines.push([
        'The costliest: ',
        ...stepName(costly, report),
        `, ${stepSeconds(costly)}${shareOf(costly, report)}.`,
      ]);
    return incomplete({ kind: 'cold', lines: [...lines, ...fix] });
  }

  if (cmp) {
    const regs = regressionGroups(report, byId);
    const lost = lostCacheCount(cmp);
    if (regs.groups.length && lost > 0) {
      const g = regs.groups[0];
      const lead: Inline[] = [
        strong(
          `${lost} step${lost === 1 ? '' : 's'} that ${lost === 1 ? 'was' : 'were'} cached on `,
          ...baselineName(cmp),
          ' re-ran here.',
        ),
      ];
      const lines = causeLines(g, report, none, lead);
      return incomplete({ kind: 'regressions', lines: [...lines, ...fix, ...noFix] });
    }
  }

  if (groups.length && reran > 0) {
    const lines = causeLines(groups[0], report, none);
    if (groups.length > 1) lines[1].push(` ${groups.length - 1} other cause${groups.length > 2 ? 's' : ''} below.`);
    const coldBase: Inline[][] =
      cmp && baselineCold(cmp)
        ? [
            [
              'No step lost its cache against ',
              ...baselineName(cmp),
              ', but that baseline was itself a cold build (nothing cached), so it cannot show lost cache.',
            ],
          ]
        : [];
    return incomplete({ kind: 'reran', lines: [...lines, ...fix, ...noFix, ...coldBase] });
  }

  if (reran === 0 && counts.cached > 0) {
    const lines: Inline[][] = [
      [strong('Everything was cached'), `: ${counts.cached} step${counts.cached === 1 ? '' : 's'}, nothing re-ran.`],
    ];
    return incomplete({ kind: 'all-cached', lines: [...lines, ...fix] });
  }
  return incomplete({ kind: 'nothing-reran', lines: [['Nothing re-ran that the analysis could explain.'], ...fix] });
}

/** The stats line under the headline: state, counts, cache hits, time, the baseline verdict. */
export function statusLine(report: BuildReport): Inline[] {
  const t = report.totals;
  const c = t.counts;
  // "complete" beside a build read as "the build succeeded": what it says is that the whole log was read.
  const state = report.failed ? '❌ build failed' : report.complete ? '✅ whole log read' : '⚠️ incomplete';
  const time = t.wallSeconds === null ? `step time ${seconds(t.stepSeconds)}` : `wall time ${seconds(t.wallSeconds)}`;
  const image = report.sizes?.image ? ` · image ${bytes(report.sizes.image.sizeBytes)}` : '';
  const parts: Inline[] = [
    `${state} · ${t.steps} steps · ${c.cached} cached · ${c.ran} ran${c.error ? ` · ${c.error} failed` : ''} · cache hits ${percent(t.cachedRatio)} · ${time}${image}`,
  ];
  const cmp = report.comparison;
  if (cmp) {
    parts.push(
      ' · ',
      cmp.regressions ? `${cmp.regressions} regression${cmp.regressions === 1 ? '' : 's'}` : 'no regressions',
      ' against ',
      ...baselineName(cmp),
    );
  } else parts.push(' · no baseline');
  return parts;
}
