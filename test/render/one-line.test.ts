// Text cut to fit a table cell or a line: after a word when one ends near the cut, never longer than asked.
import fc from 'fast-check';
import { oneLine } from '../../src/render/format.js';

test('a cut falls after a word that ends within the last quarter, else at the limit', () => {
  expect(oneLine('RUN mkdir -p dist && cat src/*.js > dist/bundle.js && echo done', 40)).toBe(
    'RUN mkdir -p dist && cat src/*.js > …',
  );
  // No word ends near the cut: the text is cut where the limit falls.
  expect(oneLine('RUN ' + 'x'.repeat(60), 40)).toBe(`RUN ${'x'.repeat(35)}…`);
  expect(oneLine('short text', 40)).toBe('short text');
  expect(oneLine('line one\nline\ttwo', 40)).toBe('line one line two');
});

test('never longer than the limit, and a prefix of the text when cut', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 120 }), (text, max) => {
      const out = oneLine(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      if (out.endsWith('…') && out !== oneLine(text, 10_000)) {
        const flat = oneLine(text, 10_000);
        expect(flat.startsWith(out.slice(0, -1))).toBe(true);
      }
    }),
  );
});
