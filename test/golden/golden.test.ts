// Golden files of what people read: the pull request comment, the job summary and the terminal text
// of real recorded builds (test/support/golden-scenarios.ts), one file each in test/golden/<scenario>/.
// A change to any of them fails here until the files are regenerated on purpose:
//
//   UPDATE_GOLDEN=1 node --experimental-vm-modules node_modules/jest/bin/jest.js test/golden
//
// then read the diff as the developer opening the pull request would, and commit it.
// Also checked per scenario: the first three non-empty lines after the title hold the answer
// (the costliest root cause's instruction text and line, the changed file, its cost, the top fix).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildReport } from '../../src/model/report.js';
import { renderFitted, renderSummary } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { GOLDEN_SCENARIOS } from '../support/golden-scenarios.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** As the action posts them: the comment fitted to 60,000 characters, the summary with the artifact line. */
const OUTPUTS: { file: string; render: (r: BuildReport) => string }[] = [
  { file: 'comment.md', render: (r) => renderFitted(r, 60_000) },
  {
    file: 'summary.md',
    render: (r) => renderSummary(r, '\nCharts, the HTML report and the JSON report: artifact buildkit-cache-report.\n'),
  },
  { file: 'terminal.txt', render: (r) => renderText(r) },
];

/** The first three non-empty lines after the title (`## ...` in markdown, the first line in text). */
function answerLines(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(1, 4).join('\n');
}

describe.each(GOLDEN_SCENARIOS)('$name ($about)', (scenario) => {
  let report: BuildReport;
  beforeAll(async () => {
    report = await scenario.report();
  }, 60_000);

  test.each(OUTPUTS)('$file matches its golden file', ({ file, render }) => {
    const path = join(HERE, scenario.name, file);
    const text = render(report);
    if (UPDATE || !existsSync(path)) {
      if (!UPDATE) throw new Error(`no golden file ${path}: run with UPDATE_GOLDEN=1 and read it`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    expect(text).toBe(readFileSync(path, 'utf8'));
  });

  test.each(OUTPUTS)('$file opens with the answer', ({ render }) => {
    const answer = answerLines(render(report));
    const e = scenario.expect;
    for (const part of [e.instruction, e.line, e.file, e.cost, e.fix]) {
      if (part) expect(answer).toContain(part);
    }
  });
});
