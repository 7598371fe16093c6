import fc from 'fast-check';
import picomatch from 'picomatch';
import { posix } from 'node:path';
import { CopySourceMatcher } from '../../src/analysis/copy-sources.js';

/** The matcher as it was: every changed file tested against every source, per COPY. */
function reference(sources: string[], files: string[]): string[] {
  const patterns = sources.map((s) => posix.normalize(s.replace(/^\/+/, '')).replace(/\/+$/, '') || '.');
  return files.filter((file) =>
    patterns.some(
      (p) =>
        p === '.' ||
        file === p ||
        file.startsWith(`${p}/`) ||
        picomatch.isMatch(file, p, { dot: true }) ||
        file.split('/').some((_, i, parts) => picomatch.isMatch(parts.slice(0, i + 1).join('/'), p, { dot: true })),
    ),
  );
}

const part = fc.constantFrom('src', 'src-x', 'src.d', 'a', 'b.js', '.env', 'package.json', 'x y');
const path = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));
const source = fc.oneof(
  path,
  fc.constantFrom('.', './', '/src/', 'src/*', '*.json', 'package*.json', 'a/**', '**/b.js'),
);

test('the files a COPY takes: the same as testing every file against every source, for any files and sources', () => {
  fc.assert(
    fc.property(
      fc.array(path, { maxLength: 20 }),
      fc.array(source, { minLength: 1, maxLength: 4 }),
      (files, sources) => {
        const matcher = new CopySourceMatcher('/ctx', null);
        const changed = files.map((f) => `/ctx/${f}`);
        expect(matcher.match(sources, changed)).toEqual(reference(sources, files));
        expect(matcher.match(sources, changed)).toEqual(reference(sources, files)); // asked again: the same
      },
    ),
    { numRuns: 3000 },
  );
}, 60_000);

test('100,000 changed files and 10,000 COPYs of one folder each: a range of the files by name per COPY', () => {
  const files = Array.from({ length: 100_000 }, (_, i) => `/ctx/pkg${i % 10_000}/file${i}.js`);
  const matcher = new CopySourceMatcher('/ctx', null);
  let taken = 0;
  for (let i = 0; i < 10_000; i++) taken += matcher.match([`pkg${i}/`], files).length;
  expect(taken).toBe(100_000);
}, 60_000);
