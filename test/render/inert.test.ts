// Log text must render as the same characters and nothing else: no mention, link, image, heading or
// HTML may come out of a step name, an error or a log line. It goes into code spans whose fence is
// longer than any backtick run inside; the markdown is rendered here by a GFM renderer (marked).
import { marked } from 'marked';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { renderFitted, renderMarkdown } from '../../src/render/markdown.js';
import { COMMENT_ELEMENTS } from '../support/comment-elements.js';

const HOSTILE = [
  '@org/team',
  '<img src=x onerror=alert(1)>',
  '](http://evil)',
  '# heading',
  '`code`',
  '<script>x</script>',
  '[click](javascript:1)',
];

function hostileReport() {
  const text = HOSTILE.join(' ');
  const log = [
    `#1 [1/2] FROM docker.io/library/alpine ${text}\n#1 DONE 0.1s\n`,
    `#2 [2/2] RUN echo ${text}\n${HOSTILE.map((h, i) => `#2 0.${i} ${h}`).join('\n')}\n#2 ERROR: process "${text}" exit code: 1\n`,
    `WARNING: ${text}`,
    `ERROR: failed to solve: ${text}`,
  ].join('\n');
  return buildReport(parseText(log));
}

/** The markdown as GitHub's renderer would build it (GFM: tables, autolinks, raw HTML passed through). */
function toHtml(md: string): string {
  return marked.parse(md, { gfm: true, async: false });
}

/** Text of the rendered page outside `<code>` and `<pre>` (where GitHub makes no mention or link). */
function outsideCode(html: string): string {
  return html.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[\s\S]*?<\/code>/g, '');
}

test.each([
  ['summary', (r: ReturnType<typeof hostileReport>) => renderMarkdown(r)],
  ['comment', (r: ReturnType<typeof hostileReport>) => renderFitted(r, 60_000)],
])('%s: hostile log text stays inert', (_name, render) => {
  const md = render(hostileReport());
  const html = toHtml(md);
  const tags = [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1].toLowerCase());
  // Only the renderer's own elements: no link, image, script, or heading from the log.
  expect(new Set(tags)).toEqual(new Set(tags.filter((t) => COMMENT_ELEMENTS.has(t))));
  expect(html).not.toMatch(/<a\b|<img|<script/i);
  expect([...html.matchAll(/<h\d>([^<]*)/g)].map((m) => m[1])).not.toContain('heading');
  const prose = outsideCode(html);
  expect(prose).not.toMatch(/@org/); // a mention needs @ in text outside code
  expect(prose).not.toMatch(/javascript:|http:\/\/evil/);
  // The text is still there, shown as typed inside code (no entity to read in the raw markdown).
  expect(md).not.toContain('&#');
  expect(md).toContain('@org/team');
  const code = [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => m[1]).join('\n');
  expect(code).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(code).toContain('`code`');
});
