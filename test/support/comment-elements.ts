// The HTML elements the comment's own markdown renders to (tables, lists, details, code): rendered comments may hold
// these and nothing else — no link, image, script or heading can come from log text. Shared by the GFM checks
// (test/render/inert.test.ts with marked, test/render/comment-gfm.test.itg.ts in Chromium).
export const COMMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'h2',
  'h3',
  'h4',
  'p',
  'code',
  'pre',
  'strong',
  'em',
  'sub',
  'ul',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'details',
  'summary',
  'blockquote',
  'br',
]);
