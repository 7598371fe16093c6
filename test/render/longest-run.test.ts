import fc from 'fast-check';
import { fence, longestRun } from '../../src/render/escape.js';
import { codeSpan } from '../../src/render/inline.js';

const reference = (text: string) => Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));

test('longestRun: the longest backtick run, as a regex over the text finds it', () => {
  const text = fc
    .array(fc.constantFrom('`', '``', 'a', ' ', '|', '\n', '```'), { maxLength: 20 })
    .map((p) => p.join(''));
  fc.assert(
    fc.property(text, (t) => expect(longestRun(t, '`')).toBe(reference(t))),
    { numRuns: 2000 },
  );
});

test('fences and code spans outgrow the runs inside; a diff of 200,000 runs needs no argument list', () => {
  expect(codeSpan('a ``b`` c')).toBe('```a ``b`` c```');
  expect(codeSpan('a|b', true)).toBe('`a\\|b`');
  expect(fence('x ```` y')).toBe('`````\nx ```` y\n`````');
  expect(fence('`a`\n'.repeat(200_000)).startsWith('``\n')).toBe(false);
  expect(fence('`a`\n'.repeat(200_000)).startsWith('```\n')).toBe(true);
});
