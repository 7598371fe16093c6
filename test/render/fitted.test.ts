import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSteps } from '../../bench/steps-gen.js';
import { renderFitted, renderMarkdown, renderSummary } from '../../src/render/markdown.js';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/thresholds.js';
import { allCached, analyzeText } from '../support/reports.js';

const LIMIT = 60_000;

describe('renderFitted', () => {
  test('a 3,000-step report with 1,000 regressions opens with the headline, fits, and keeps regressions and the fix', async () => {
    const input = writeSteps(mkdtempSync(join(tmpdir(), 'bca-fit-')), 3000);
    const dockerfile = readFileSync(input.dockerfile, 'utf8');
    const log = readFileSync(input.log, 'utf8');
    // The baseline had every step cached: each one that ran now is a regression (each of the 1,000
    // root causes costs 3.5 s with what it set off: over a 1 s threshold).
    const baseline = await analyzeText(allCached(log), dockerfile);
    const now = await analyzeText(log, dockerfile, baseline, { ...DEFAULT_THRESHOLDS, minSeconds: 1 });
    expect(now.steps).toHaveLength(3000);
    expect(now.comparison!.regressions).toBeGreaterThan(1000);
    expect(renderMarkdown(now).length).toBeGreaterThan(LIMIT);

    const head = '<!-- buildkit-cache-analytics:default -->\n';
    const body = renderFitted(now, LIMIT, head);
    expect(body.length).toBeLessThanOrEqual(LIMIT);
    expect(body.startsWith(head)).toBe(true);
    // The headline right after the title: the regression count against the baseline, the costliest step.
    const [title, , first] = body.slice(head.length).split('\n');
    expect(title).toBe('## BuildKit cache analysis');
    expect(first).toMatch(/^\*\*\d{4} steps that were cached on .* re-ran here\.\*\* The costliest: `RUN /);
    expect(body).toMatch(/\*\*\d+ regressions\*\*/);
    expect(body).toMatch(/### (Top fix|Tip \(rule of thumb\)): /);
    expect(body).toMatch(/_Cut to fit: .*all steps.* left out/);
  }, 120_000); // two analyses of 3,000 steps: seconds on a loaded machine

  test('the job summary is cut by bytes, keeps its tail, and points to the JSON report', async () => {
    // 300 steps whose text is mostly 3-byte characters: the byte size is about three times the length.
    const n = 300;
    const word = '日本語のビルド'.repeat(12);
    const dockerfile = ['FROM x', ...Array.from({ length: n }, (_, i) => `RUN echo ${i} ${word}`)].join('\n') + '\n';
    const log = Array.from(
      { length: n },
      (_, i) => `#${i + 1} [${i + 1}/${n}] RUN echo ${i} ${word}\n#${i + 1} DONE 1.${i % 10}s\n`,
    ).join('\n');
    const r = await analyzeText(log, dockerfile);
    const whole = renderMarkdown(r);
    const limit = Math.floor(Buffer.byteLength(whole) * 0.6);
    expect(whole.length).toBeLessThan(limit); // by characters it would fit
    const tail = '\nCharts: artifact buildkit-cache-report.\n';
    const summary = renderSummary(r, tail, limit);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(limit);
    expect(summary.endsWith(tail)).toBe(true);
    expect(summary).toMatch(/^## BuildKit cache analysis/m);
    expect(summary).toMatch(/_Cut to fit: .*all steps.* left out; the JSON report has everything\._/);
    // Under the limit nothing is cut.
    expect(renderSummary(r, tail)).toBe(whole + tail);
  });

  test('a small report is whole, with no cut note', async () => {
    const r = await analyzeText(
      '#1 [1/2] FROM docker.io/x\n#1 DONE 0.1s\n\n#2 [2/2] RUN make\n#2 DONE 1.0s\n',
      'FROM x\nRUN make\n',
    );
    expect(renderFitted(r, LIMIT)).toBe(renderMarkdown(r));
  });
});
