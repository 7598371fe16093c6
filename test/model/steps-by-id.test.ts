import { Readable } from 'node:stream';
import { stepsById } from '../../src/model/steps-by-id.js';
import { analyze } from '../../src/pipeline/analyze.js';

const log = [
  '#1 [1/3] FROM docker.io/library/alpine',
  '#1 DONE 0.0s',
  '#2 [2/3] RUN a',
  '#2 DONE 1.0s',
  '#3 [3/3] RUN b',
  '#3 CACHED',
  '',
];

test('one index per steps array, built again when a step is renamed, added or removed', async () => {
  const { report } = await analyze({ log: Readable.from([log.join('\n')]), file: null });
  const first = stepsById(report);
  expect([...first.keys()]).toEqual(report.steps.map((s) => s.id));
  expect(stepsById(report)).toBe(first);
  expect(stepsById({ steps: [...report.steps] })).not.toBe(first); // another array
  report.steps[1].id = 'renamed';
  const renamed = stepsById(report);
  expect(renamed).not.toBe(first);
  expect(renamed.get('renamed')).toBe(report.steps[1]);
  report.steps.push({ ...report.steps[2], id: 'added' });
  expect(stepsById(report).get('added')).toBe(report.steps[3]);
  report.steps.splice(0, 1);
  expect([...stepsById(report).keys()]).toEqual(['renamed', '(default)#3', 'added']);
});
