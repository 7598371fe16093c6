// 7. Fields that come from a baseline are untrusted text: the comment and summary show them only inside code
// spans (inert in GitHub's markdown: no HTML, no mention, no link), never as markdown of their own. The schema
// keeps a bad baseline out; the renderer does not rely on it.
import { renderMarkdown } from '../../src/render/markdown.js';
import type { BuildReport } from '../../src/model/report.js';
import { analyzeRecorded } from '../support/reports.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The markdown with its code spans (any run of backticks, to the same run) taken out. */
function outsideCode(md: string): string {
  return md.replace(/```[\s\S]*?```/g, '').replace(/(`+)[\s\S]*?\1/g, '');
}

test('a regressed step, a removed step and the baseline name, hostile, render only inside code spans', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bca-esc-'));
  writeFileSync(join(dir, 'warm.json'), JSON.stringify(await analyzeRecorded('node-app-warm.plain.log')));
  const report: BuildReport = await analyzeRecorded('node-app-edit.plain.log', join(dir, 'warm.json'));
  const evil = '<img src=x onerror=alert(1)> @everyone [x](http://evil.example) </details>';
  const c = report.comparison!;
  // build#1 lost its cache in this recording (its fraction of a second is under the time threshold: no
  // regression of its own), so it is made one here, with the baseline's fields replaced by hostile text.
  const step = c.steps.find((s) => s.status.from === 'cached' && s.status.to === 'ran')!;
  (step.status as { from: string }).from = evil;
  (step.regressions as string[]).push('lost-cache', evil);
  c.regressions += 1;
  c.removed.push({ id: 'old#1', text: evil } as (typeof c.removed)[number]);
  c.newErrors.push(evil);
  c.baseline.branch = evil;
  const md = renderMarkdown(report);
  expect(md).toContain('`<img src=x onerror=alert(1)>');
  const bare = outsideCode(md);
  for (const raw of ['<img', '@everyone', '](http', '</details> @', 'evil.example']) expect(bare).not.toContain(raw);
});
