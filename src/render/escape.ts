// Text from a build log or a Dockerfile is never trusted: in markdown it must render as the
// same characters and nothing else — no HTML, links, images, headings, mentions or code spans.
// Every character that markdown or HTML could act on becomes a numeric entity, which GitHub
// decodes only after parsing (so `@org`, `](http://x)`, `www.x.com`, `# h` stay inert).

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;
const ACTIVE = /[\\`*_{}[\]()<>#+\-.!|~@&:"'=$%^]/g;

function entity(c: string): string {
  return `&#${c.charCodeAt(0)};`;
}

/** Escapes text for a markdown paragraph or table cell (GitHub-flavoured), on one line. */
export function escapeMarkdown(text: string): string {
  return text.replace(CONTROL, ' ').replace(ACTIVE, entity);
}

/** Escapes text for HTML element content, e.g. log lines inside `<pre>`; mentions stay inert. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'@`]/g, entity);
}

/** The longest run of `char` in `text` (0 without one): a loop, as a diff can hold any number of runs. */
export function longestRun(text: string, char: string): number {
  let longest = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at)) {
    let end = at + 1;
    while (text.startsWith(char, end)) end++;
    if (end - at > longest) longest = end - at;
    at = end;
  }
  return longest;
}

/** A fenced code block that its content cannot close: the fence is longer than any backtick run inside. */
export function fence(content: string, lang = ''): string {
  const marks = '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
  // eslint-disable-next-line no-control-regex
  const clean = content.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  return `${marks}${lang}\n${clean.replace(/\n$/, '')}\n${marks}`;
}
