// On well-written Dockerfiles (fixtures/dockerfiles-good/README.md) no rule may fire that a reviewer would reject.
import { readFileSync } from 'node:fs';
import { fixture, listFixtures } from '../../support/fixtures.js';
import { suggestStatic } from '../../support/suggest-helpers.js';

const expected = JSON.parse(readFileSync(fixture('dockerfiles-good', 'expected-findings.json'), 'utf8')) as Record<
  string,
  string[]
>;

test('every fixture has an expectation', () => {
  expect(Object.keys(expected).sort()).toEqual(listFixtures('dockerfiles-good', '.Dockerfile'));
  expect(Object.keys(expected).length).toBeGreaterThanOrEqual(12);
});

test.each(Object.entries(expected))('%s', (file, rules) => {
  const found = suggestStatic(readFileSync(fixture('dockerfiles-good', file), 'utf8'));
  expect(found.map((s) => `${s.rule} (line ${s.lines.start}): ${s.why}`)).toEqual(rules);
});
