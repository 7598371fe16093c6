// Every real log of the corpus against its hand-checked expectation (fixtures/corpus/README.md).
import { readFileSync } from 'node:fs';
import { parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/model/build-report.js';
import { fixture, listFixtures } from '../support/fixtures.js';

interface Expected {
  format: 'plain' | 'rawjson';
  failed: boolean;
  complete: boolean;
  tail: boolean;
  builder: { name: string; driver: string } | null;
  steps: {
    name: string;
    target: string | null;
    platform: string | null;
    stage: string | null;
    index: number | null;
    count: number | null;
    instruction: string | null;
    status: string;
    seconds: number | null;
  }[];
  stages: Record<string, Record<string, number>>;
  errors: string[];
  warningCount: number;
}

const cases = listFixtures('corpus', '.expected.json').map((f) => f.replace(/\.expected\.json$/, ''));

describe('corpus logs', () => {
  test.each(cases)('%s', (name) => {
    const expected = JSON.parse(readFileSync(fixture('corpus', `${name}.expected.json`), 'utf8')) as Expected;
    const parsed = parseText(readFileSync(fixture('corpus', `${name}.log`)));
    const report = buildReport(parsed, { file: `${name}.log` });

    expect(parsed.format).toBe(expected.format);
    expect(parsed.truncated).toBe(expected.tail);
    expect(report.builder).toEqual(expected.builder);
    expect(
      report.steps.map((s) => ({
        name: s.name,
        target: s.target,
        platform: s.platform,
        stage: s.stage,
        index: s.index,
        count: s.count,
        instruction: s.instruction,
        status: s.status,
        seconds: s.status === 'ran' ? s.seconds : null,
      })),
    ).toEqual(expected.steps);
    const stages = Object.fromEntries(report.stages.map((st) => [st.key, { steps: st.steps, ...st.counts }]));
    expect(stages).toEqual(expected.stages);
    expect(report.failed).toBe(expected.failed);
    expect(report.complete).toBe(expected.complete);
    for (const e of expected.errors) expect(report.errors.join('\n')).toContain(e);
    if (!expected.failed) expect(report.errors).toEqual([]);
    expect(report.warnings).toHaveLength(expected.warningCount);
    expect(report.problems).toEqual([]);
  });
});
