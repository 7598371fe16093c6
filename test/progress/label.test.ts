import fc from 'fast-check';
import { parseLabel, tokensOf } from '../../src/progress/label.js';

test('tokensOf splits as /\\s+/ does, for any text of spaces, other white space and words', () => {
  const piece = fc.constantFrom(
    ' ',
    '  ',
    '\t',
    '\u00a0',
    '\u3000',
    '\u2028',
    'linux/amd64',
    'api',
    'build',
    '3/7',
    'ß',
    '阶段',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const raw = parts.join('');
      expect(tokensOf(raw)).toEqual(raw.split(/\s+/).filter(Boolean));
    }),
    { numRuns: 2000 },
  );
});

test('a bake label: target, platform, stage and index from the bracket', () => {
  expect(parseLabel('[api linux/amd64 builder 3/7] RUN make')).toMatchObject({
    target: 'api',
    platform: 'linux/amd64',
    stage: 'builder',
    index: 3,
    count: 7,
    instruction: 'RUN',
    text: 'RUN make',
  });
});
