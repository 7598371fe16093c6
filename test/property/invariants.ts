import { STEP_STATUSES, type BuildReport } from '../../src/model/report.js';

const okNumber = (n: number | null) => n === null || (Number.isFinite(n) && n >= 0);

/** What every report must satisfy, whatever the input was. Throws with the first broken rule. */
export function checkInvariants(r: BuildReport): void {
  const fail = (why: string) => {
    throw new Error(`invariant broken: ${why}`);
  };
  const ids = new Set<string>();
  for (const s of r.steps) {
    if (!STEP_STATUSES.includes(s.status)) fail(`status ${s.status}`);
    if (ids.has(s.id)) fail(`duplicate id ${s.id}`);
    ids.add(s.id);
    if (!okNumber(s.seconds) || !okNumber(s.share)) fail(`times of ${s.id}: ${s.seconds} ${s.share}`);
  }
  const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  if (sum(r.totals.counts) !== r.totals.steps || r.totals.steps !== r.steps.length) fail('totals do not add up');
  let stageSteps = 0;
  for (const st of r.stages) {
    if (sum(st.counts) !== st.steps) fail(`stage ${st.key} counts do not add up`);
    if (!okNumber(st.seconds)) fail(`stage ${st.key} seconds`);
    stageSteps += st.steps;
  }
  if (stageSteps !== r.totals.steps) fail('stages do not add up to the totals');
  if (!okNumber(r.totals.wallSeconds) || !okNumber(r.totals.stepSeconds)) fail('build times');
  if ((r.problems.length > 0 || r.failed) && r.complete) fail('complete despite problems or a failure');
}
