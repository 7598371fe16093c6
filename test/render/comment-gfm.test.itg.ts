// The pull request comment as a reader sees it: its markdown rendered by a GFM renderer (marked, no
// network) and opened in headless Chromium with JavaScript off. The tool's code spans are <code>, no
// `&#` is visible, and untrusted text (a hostile log, Dockerfile text, file names) creates no mention,
// link, image, heading or HTML element of its own.
import { jest } from '@jest/globals';
import { marked } from 'marked';
import type { Browser } from 'playwright-core';
import { buildReport } from '../../src/pipeline/build-report.js';
import type { BuildReport } from '../../src/model/report.js';
import { parseText } from '../../src/progress/index.js';
import { renderFitted } from '../../src/render/markdown.js';
import {
  chromiumAvailable,
  closeChromium,
  describeWithChromium,
  launchChromium,
  offlinePage,
} from '../support/chromium.js';
import { GOLDEN_SCENARIOS } from '../support/golden-scenarios.js';
import { COMMENT_ELEMENTS } from '../support/comment-elements.js';

// Starts a browser: a budget for a busy machine.
jest.setTimeout(180_000);

const HOSTILE = [
  '@org/team',
  '<img src=x onerror=alert(1)>',
  '](http://evil.example)',
  '# heading',
  '`code` ``two``',
  '<script>x</script>',
  '[click](javascript:1)',
  'www.evil.example',
  '&#64;entity',
  '| pipe |',
];

function hostileReport(): BuildReport {
  const text = HOSTILE.join(' ');
  const log = [
    `#1 [1/3] FROM docker.io/library/alpine ${text}\n#1 DONE 0.1s\n`,
    `#2 [2/3] COPY ${text} /x\n#2 DONE 2.0s\n`,
    `#3 [3/3] RUN echo ${text}\n${HOSTILE.map((h, i) => `#3 0.${i} ${h}`).join('\n')}\n#3 ERROR: process "${text}" exit code: 1\n`,
    `WARNING: ${text}`,
    `ERROR: failed to solve: ${text}`,
  ].join('\n');
  return buildReport(parseText(log));
}

interface Seen {
  /** Elements of the page by tag name. */
  tags: string[];
  headings: string[];
  codes: string[];
  /** Visible text outside <code> and <pre>, where GitHub would make mentions and links. */
  prose: string;
  text: string;
  links: number;
}

async function open(browser: Browser, md: string): Promise<Seen> {
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${marked.parse(md, { gfm: true, async: false })}</body></html>`;
  const { context, page, attempted } = await offlinePage(browser, { html, javaScriptEnabled: false });
  try {
    // Evaluated in the page (a string: the test compiles without the DOM's types).
    const seen = (await page.evaluate(`(() => {
      const all = [...document.body.querySelectorAll('*')];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let prose = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode())
        if (!n.parentElement || !n.parentElement.closest('code, pre')) prose += (n.textContent || '') + '\\n';
      return {
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))],
        headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => h.textContent || ''),
        codes: [...document.querySelectorAll('code')].map((c) => c.textContent || ''),
        prose,
        text: document.body.innerText,
        links: document.querySelectorAll('a, img, script, iframe').length,
      };
    })()`)) as Seen;
    expect(attempted).toEqual([]);
    return seen;
  } finally {
    await context.close();
  }
}

describeWithChromium(chromiumAvailable())('the comment rendered as GFM in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 120_000);
  afterAll(() => closeChromium(browser));

  test.each(GOLDEN_SCENARIOS.map((s) => [s.name, s] as const))(
    '%s: the tool’s code spans are <code>, no `&#` shows',
    async (_name, scenario) => {
      const report = await scenario.report();
      const seen = await open(browser, renderFitted(report, 60_000));
      expect(seen.text).not.toContain('&#');
      expect(seen.links).toBe(0);
      expect(seen.tags.filter((t) => !COMMENT_ELEMENTS.has(t))).toEqual([]);
      expect(seen.headings[0]).toBe('BuildKit cache analysis');
      // The headline's instruction text is shown as code, as typed.
      if (scenario.expect.instruction)
        expect(seen.codes.some((c) => c.startsWith(scenario.expect.instruction))).toBe(true);
      // Every step in the tables is code: no raw backtick is left visible outside code.
      expect(seen.prose).not.toContain('`');
    },
  );

  test('hostile log text: no mention, link, image, heading or element of its own; shown as typed', async () => {
    const seen = await open(browser, renderFitted(hostileReport(), 60_000));
    expect(seen.links).toBe(0);
    expect(seen.tags.filter((t) => !COMMENT_ELEMENTS.has(t))).toEqual([]);
    expect(seen.headings).not.toContain('heading');
    expect(seen.prose).not.toMatch(/@org|www\.evil|javascript:|http:\/\/evil/);
    expect(seen.text).not.toMatch(/&#(?!64;entity)/); // the log's own `&#64;entity` is shown as typed
    const code = seen.codes.join('\n');
    for (const h of ['@org/team', '<img src=x onerror=alert(1)>', '<script>x</script>', '`code` ``two``'])
      expect(code).toContain(h);
  });
});
