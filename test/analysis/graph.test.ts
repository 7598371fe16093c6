import { readFileSync } from 'node:fs';
import { buildGraph } from '../../src/analysis/graph.js';
import { criticalPath } from '../../src/analysis/critical-path.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { fixture } from '../support/fixtures.js';

function load(scenario: string, phase: string, format: 'plain.log' | 'rawjson') {
  const path = fixture('dockerfiles', scenario, 'Dockerfile');
  const parsed = parseDockerfile(readFileSync(path, 'utf8'));
  const report = buildReport(parseText(readFileSync(fixture('recorded', `${scenario}-${phase}.${format}`))), {
    dockerfile: { path, parsed },
  });
  return { report, parsed };
}

function edges(parents: Map<string, string[]>): string[] {
  return [...parents].flatMap(([id, ps]) => ps.map((p) => `${p} -> ${id}`)).sort();
}

describe('buildGraph', () => {
  test.each([
    ['node-app', 'cold'],
    ['arg-shared', 'cold'],
  ])('%s: the graph rebuilt from the Dockerfile is the one rawjson gives', (scenario, phase) => {
    const raw = load(scenario, phase, 'rawjson');
    const fromRaw = buildGraph(raw.report, raw.parsed);
    expect(fromRaw.basis).toBe('rawjson');
    const plain = load(scenario, phase, 'plain.log');
    const rebuilt = buildGraph(plain.report, plain.parsed);
    expect(rebuilt.basis).toBe('dockerfile');
    expect(edges(rebuilt.parents)).toEqual(edges(fromRaw.parents));
  });

  test('the order puts parents first', () => {
    const { report, parsed } = load('node-app', 'cold', 'plain.log');
    const g = buildGraph(report, parsed);
    const pos = new Map(g.order.map((id, i) => [id, i]));
    for (const [id, ps] of g.parents) for (const p of ps) expect(pos.get(p)!).toBeLessThan(pos.get(id)!);
  });
});

describe('criticalPath', () => {
  test('the longest chain of step times, with each step’s share', () => {
    const log = [
      '#1 [a 1/3] FROM docker.io/x\n#1 DONE 0.1s\n',
      '#2 [a 2/3] RUN slow\n#2 DONE 10.0s\n',
      '#3 [b 1/2] FROM docker.io/y\n#3 DONE 0.1s\n',
      '#4 [b 2/2] RUN fast\n#4 DONE 4.0s\n',
      '#5 [a 3/3] COPY --from=b /x /x\n#5 DONE 2.0s\n',
    ].join('\n');
    const parsed = parseDockerfile('FROM x AS a\nRUN slow\nFROM y AS b\nRUN fast\nFROM a AS c\nCOPY --from=b /x /x\n');
    // The Dockerfile above has the COPY in stage c; relabel the log accordingly.
    const report = buildReport(parseText(log.replace('[a 3/3] COPY', '[c 1/1] COPY')), {
      dockerfile: { path: 'D', parsed },
    });
    const cp = criticalPath(report, buildGraph(report, parsed));
    expect(cp.seconds).toBe(12);
    expect(cp.steps.map((s) => [s.id, s.seconds, Math.round(s.share * 100)])).toEqual([
      ['a#2', 10, 83],
      ['c#1', 2, 17],
    ]);
  });
});
