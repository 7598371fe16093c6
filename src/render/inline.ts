// Sentences the renderers share (the headline, a step's name, why it re-ran): plain words of the
// tool, code (instruction text, file names, ARGs — untrusted, shown as typed) and strong parts,
// rendered once per output. Markdown puts code in a code span whose backtick fence is longer than
// any backtick run inside: GitHub renders no mention, link, image, heading or HTML in a code span,
// so the text needs no entity and reads the same in the raw file.
import { escapeHtml, longestRun } from './escape.js';
import { oneLine } from './format.js';

/**
 * A string is the tool's own words; `text` is untrusted prose shown as words (escaped minimally in
 * markdown); `code` is untrusted or literal text shown as code.
 */
export type Inline = string | { text: string } | { code: string } | { strong: Inline[] };

/** Text on one line, ends kept (control characters as spaces): prose parts sit between others. */
function flat(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** Untrusted or literal text shown as code, on one line, cut to `max` characters. */
export function code(text: string, max = 80): Inline {
  return { code: oneLine(text, max) };
}

export function strong(...parts: Inline[]): Inline {
  return { strong: parts };
}

/**
 * A markdown code span of `text`: the fence is one backtick longer than the longest run inside, and a
 * space pads content that starts or ends with a backtick (CommonMark strips one space each side).
 * In a table cell, `|` is escaped as `\|` (GFM splits cells before it parses code spans).
 */
export function codeSpan(text: string, inTable = false): string {
  const line = oneLine(text, Infinity);
  const fence = '`'.repeat(longestRun(line, '`') + 1);
  const body = inTable && line.includes('|') ? line.replace(/\|/g, '\\|') : line;
  const pad = /^[`\s]|[`\s]$/.test(body) || body === '' ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Tool words in markdown: the renderers' own text holds no markdown; a stray character is escaped. */
function words(text: string, inTable: boolean): string {
  return inTable ? text.replace(/\|/g, '\\|') : text;
}

/** Words that a renderer could act on as a whole: a mention, an e-mail, a URL or bare domain. */
const ACTIVE_WORD = /@|:\/\/|^www\.|^[\w.-]+\.[a-z]{2,}\//i;

/**
 * Untrusted prose in markdown, escaped minimally: markdown punctuation gets a backslash (it reads the
 * same), and a word that could become a mention or a link is shown as code instead.
 */
export function escapeProse(text: string, inTable = false): string {
  return flat(text)
    .split(/(\s+)/)
    .map((w) => {
      if (/^\s*$/.test(w)) return w;
      if (ACTIVE_WORD.test(w)) return codeSpan(w, inTable);
      return w.replace(/[\\`*_[\]<>#!|~&]/g, (c) => `\\${c}`);
    })
    .join('');
}

/** Prose whose `quoted` parts (as the suggestion rules write instruction text) become code. */
export function proseWithCode(text: string): Inline[] {
  return text.split(/`([^`\n]+)`/).map((part, i) => (i % 2 ? { code: part } : { text: part }));
}

export function toMarkdown(parts: Inline[], inTable = false): string {
  return parts
    .map((p) =>
      typeof p === 'string'
        ? words(p, inTable)
        : 'text' in p
          ? escapeProse(p.text, inTable)
          : 'code' in p
            ? codeSpan(p.code, inTable)
            : `**${toMarkdown(p.strong, inTable)}**`,
    )
    .join('');
}

/** Terminal text: code between single backticks, as people write it in plain text. */
export function toText(parts: Inline[]): string {
  return parts
    .map((p) =>
      typeof p === 'string' ? p : 'text' in p ? flat(p.text) : 'code' in p ? `\`${p.code}\`` : toText(p.strong),
    )
    .join('');
}

export function toHtml(parts: Inline[]): string {
  return parts
    .map((p) =>
      typeof p === 'string'
        ? escapeHtml(p)
        : 'text' in p
          ? escapeHtml(flat(p.text))
          : 'code' in p
            ? `<code>${escapeHtml(p.code)}</code>`
            : `<strong>${toHtml(p.strong)}</strong>`,
    )
    .join('');
}

/** Joins inline lists with a separator (`, ` by default). */
export function joinInline(items: Inline[][], sep: Inline = ', '): Inline[] {
  const out: Inline[] = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(sep);
    for (const part of item) out.push(part);
  });
  return out;
}
