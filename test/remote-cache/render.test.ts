// The "Remote cache" section: only when a remote cache was used or a diagnosis fired; log text stays inert.
import { readFileSync } from 'node:fs';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { fixture } from '../support/fixtures.js';

function fromFile(...parts: string[]) {
  return buildReport(parseText(readFileSync(fixture(...parts))));
}

describe('remote cache section', () => {
  test('absent from every output when no remote cache was used', () => {
    const r = fromFile('recorded', 'node-app-edit.plain.log');
    expect(r.remoteCache).toBeUndefined();
    expect(renderMarkdown(r)).not.toContain('Remote cache');
    expect(renderText(r)).not.toContain('Remote cache');
    expect(renderHtml(r, [])).not.toContain('remote-cache');
  });

  test('the mode=min diagnosis in markdown, text and HTML, with its evidence and fix', () => {
    const r = fromFile('recorded', 'remote-cache-import-edit.plain.log');
    const md = renderMarkdown(r);
    expect(md).toContain('### Remote cache');
    expect(md).toContain('| import | registry | `localhost:5516/bca/rc:main` | 0.0s | read |  |');
    expect(md).toContain('**min-mode-stages-missed**');
    expect(md).toContain('```yaml\ncache-to: type=registry,ref=localhost:5516/bca/rc:main,mode=max');
    const text = renderText(r);
    expect(text).toContain('Remote cache: 1 import(s) in 0.0s, 1 read, serving 1 cached step(s)');
    expect(text).toContain('  warning: [min-mode-stages-missed]');
    const html = renderHtml(r, []);
    expect(html).toContain('<section id="remote-cache"><h2>Remote cache</h2>');
    expect(html).toContain('<a href="#remote-cache">remote cache</a>');
  });

  test('a hostile ref from the log renders as text, never as markup or a mention', () => {
    const log = [
      '#1 importing cache manifest from evil.io/<img src=x onerror=alert(1)>@admin[x](http://y):t',
      '#1 ERROR: evil.io/x: not found',
      '',
      '#2 [1/2] FROM docker.io/library/alpine',
      '#2 DONE 0.0s',
      '',
      '#3 [2/2] RUN true',
      '#3 DONE 0.1s',
      '',
    ].join('\n');
    const r = buildReport(parseText(log));
    expect(r.failed).toBe(false);
    const md = renderMarkdown(r);
    const section = md.slice(md.indexOf('### Remote cache'), md.indexOf('<details>'));
    // Log text is inert: in code spans and fences GitHub shows it as it is; outside them it is escaped.
    expect(section).toContain('`evil.io/<img src=x onerror=alert(1)>@admin[x](http://y):t`');
    const prose = section.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toMatch(/<img|@admin|\]\(http/);
    expect(section.match(/^```/gm)!.length % 2).toBe(0);
    const html = renderHtml(r, []);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });
});
