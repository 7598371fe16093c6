// Suggestions on real-world shapes (fixtures/dockerfiles-real/README.md): no finding on a file labelled
// clean, and per rule precision >= 0.9 and recall >= 0.8 against what a maintainer would accept, both
// without a log (as `suggest` runs) and with a cold build's log (every step ran: nothing discriminates).
import { analyzeBuild } from '../../../src/analysis/index.js';
import { parseDockerfile } from '../../../src/dockerfile/parse.js';
import { buildReport } from '../../../src/pipeline/build-report.js';
import type { Suggestion } from '../../../src/model/report.js';
import { parseText } from '../../../src/progress/index.js';
import { fixture } from '../../support/fixtures.js';
import { coldLog, loadShapes, score, table, type Shape } from '../../support/precision-set.js';
import { suggestStatic } from '../../support/suggest-helpers.js';

const shapes = loadShapes(fixture('dockerfiles-real'));
/** Every rule a suggestion stands for: its own and those folded into it. */
const rulesOf = (list: Suggestion[]) => list.flatMap((s) => [s.rule, ...(s.also ?? []).map((a) => a.rule)]);

async function coldFindings(shape: Shape): Promise<Suggestion[]> {
  const parsed = parseDockerfile(shape.text);
  const report = buildReport(parseText(coldLog(parsed)), {
    dockerfile: { path: 'Dockerfile', parsed, text: shape.text },
  });
  await analyzeBuild(report, {
    dockerfile: { path: 'Dockerfile', parsed, text: shape.text },
    contextDir: shape.dir,
  });
  return report.analysis!.suggestions;
}

const modes = {
  'no log': async (shape: Shape) => suggestStatic(shape.text, shape.dir),
  "a cold build's log": coldFindings,
};

describe.each(Object.entries(modes))('real-world shapes, %s', (mode, findings) => {
  let results: { shape: Shape; found: string[]; list: Suggestion[] }[];
  beforeAll(async () => {
    results = [];
    for (const shape of shapes) {
      const list = await findings(shape);
      results.push({ shape, found: rulesOf(list), list });
    }
    // The table the README quotes.
    console.log(table(`Precision set (${shapes.length} shapes), ${mode}:`, score(results)));
  }, 120_000);

  test('at least 40 shapes across the ecosystems, each naming the project that shows it', () => {
    expect(shapes.length).toBeGreaterThanOrEqual(40);
    for (const s of shapes) expect(s.label.shows.length).toBeGreaterThan(5);
  });

  test('no finding on a file labelled clean', () => {
    const noisy = results
      .filter((r) => r.shape.label.expected.length === 0 && r.found.length)
      .map((r) => `${r.shape.name}: ${r.found.join(', ')}`);
    expect(noisy).toEqual([]);
  });

  test('per rule: precision >= 0.9 and recall >= 0.8', () => {
    const failing = score(results).filter(
      (s) => (s.precision !== null && s.precision < 0.9) || (s.recall !== null && s.recall < 0.8),
    );
    expect(failing).toEqual([]);
  });

  test('each finding is a rule of thumb here: no build data discriminates (merge-runs stays silent)', () => {
    for (const r of results) {
      expect(r.found).not.toContain('merge-runs');
      for (const s of r.list)
        if (s.savedSeconds !== null) throw new Error(`${r.shape.name}: ${s.rule} claims a saving`);
    }
  });
});
