import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { renderMarkdown } from '../../src/render/markdown.js';

// The label `[a"];x ...` ends at its first `]`: stage `a"`, whose quote must not reach the chart.
test('time per stage as a Mermaid bar chart whose labels cannot break out of the block', () => {
  const log = [
    '#1 [a"];x 1/2] FROM docker.io/x\n#1 DONE 0.1s\n',
    '#2 [a"];x 2/2] RUN make\n#2 DONE 3.0s\n',
    '#3 [b 1/2] FROM docker.io/y\n#3 DONE 0.1s\n',
    '#4 [b 2/2] RUN test\n#4 DONE 1.5s\n',
  ].join('\n');
  const md = renderMarkdown(buildReport(parseText(log)));
  const chart = /```mermaid\n([\s\S]*?)\n```/.exec(md)![1];
  expect(chart).toBe(
    [
      'xychart-beta',
      '    title "Time per stage (s)"',
      '    x-axis ["a_", "b"]',
      '    y-axis "seconds"',
      '    bar [3.1, 1.6]', // b: the FROM's pull (0.1 s) counts in its stage
    ].join('\n'),
  );
});
