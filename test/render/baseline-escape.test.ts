// 7. Fields that come from a baseline are untrusted text: escaped in the markdown of the comment and summary
// like anything from a log (the schema keeps a bad baseline out; the renderer does not rely on it).
import { renderMarkdown } from '../../src/render/markdown.js';
import type { BuildReport } from '../../src/model/report.js';
import { analyzeRecorded } from '../support/reports.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('a regressed step: status, regressions and text from the baseline render inert', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bca-esc-'));
  writeFileSync(join(dir, 'warm.json'), JSON.stringify(await analyzeRecorded('node-app-warm.plain.log')));
  const report: BuildReport = await analyzeRecorded('node-app-edit.plain.log', join(dir, 'warm.json'));
  const evil = '<img src=x onerror=alert(1)> @everyone [x](http://evil.example) </details>';
  const step = report.comparison!.steps.find((s) => s.regressions.length)!;
  (step.status as { from: string }).from = evil;
  (step.regressions as string[]).push(evil);
  const md = renderMarkdown(report);
  expect(md).toContain('&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;');
  for (const raw of ['<img', '@everyone', '](http', '</details> @', 'evil.example)']) expect(md).not.toContain(raw);
});
