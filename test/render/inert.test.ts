// Log text must render as the same characters and nothing else: no mention, link, image, heading,
// HTML or code span may come out of a step name, an error or a log line.
import { buildReport } from '../../src/model/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { renderFitted, renderMarkdown } from '../../src/render/markdown.js';

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

/** The markdown outside fenced code blocks and `<pre>` HTML blocks: inside them markdown is not rendered. */
function outsideFences(md: string): string {
  return md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/<pre>[\s\S]*?<\/pre>/g, '');
}

/** The `<pre>` blocks (log tails): HTML is rendered there, so no tag and no mention may come through. */
function preBlocks(md: string): string {
  return [...md.matchAll(/<pre>([\s\S]*?)<\/pre>/g)].map((m) => m[1]).join('\n');
}

test.each([
  ['summary', (r: ReturnType<typeof hostileReport>) => renderMarkdown(r)],
  ['comment', (r: ReturnType<typeof hostileReport>) => renderFitted(r, 60_000)],
])('%s: hostile log text stays inert', (_name, render) => {
  const full = render(hostileReport());
  const pre = preBlocks(full);
  expect(pre).toContain('&#64;org/team');
  expect(pre).not.toMatch(/[<>@`]/);
  const md = outsideFences(full);
  expect(md).not.toMatch(/@org/); // a mention needs a literal @
  expect(md).not.toMatch(/<img|<script/i); // no HTML from the log
  expect(md).not.toMatch(/\]\(/); // no link or image syntax
  expect(md).not.toMatch(/^#+ heading/m); // no heading
  expect(md).not.toMatch(/`code`/); // no code span
  // The text is still there, as entities the reader sees as the same characters.
  expect(md).toContain('&#64;org/team');
  expect(md).toContain(
    '&lt;img src=x onerror=alert(1)&gt;'
      .replace(/[()=]/g, (c) => `&#${c.charCodeAt(0)};`)
      .replace('&lt;', '&#60;')
      .replace('&gt;', '&#62;'),
  );
});
