import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { parseDockerfile, readsVariable, variablesRead } from '../../src/dockerfile/parse.js';

/** Line and character of an offset, read off the text the slow way (what the shortcut must agree with). */
function reference(text: string, offset: number): { line: number; character: number } {
  const at = Math.max(Math.min(offset, text.length), 0);
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= at) line++;
  let end = at;
  while (end > starts[line] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return { line, character: end - starts[line] };
}

describe('parseDockerfile on dockerfile-ast with its shortcuts', () => {
  const text = 'FROM a AS b\r\nRUN x \\\r\n  y\rCOPY . .\n\n# c\nRUN   z\n';

  it('answers positions as a binary search of the line offsets does, in any order', () => {
    parseDockerfile(text); // installs the shortcuts
    const doc = (DockerfileParser.parse(text) as unknown as { document: { positionAt(o: number): unknown } }).document;
    const offsets = [...Array(text.length + 3).keys()].map((o) => o - 1);
    const orders = [offsets, [...offsets].reverse(), offsets.map((_, i) => offsets[(i * 7) % offsets.length])];
    for (const order of orders) for (const o of order) expect([o, doc.positionAt(o)]).toEqual([o, reference(text, o)]);
  });

  it('reads the same instructions, lines and arguments twice (the scan is kept, callers get copies)', () => {
    const first = parseDockerfile(text);
    expect(parseDockerfile(text)).toEqual(first);
    expect(first.stages[0].steps.map((s) => [s.keyword, s.lines])).toEqual([
      ['FROM', { start: 1, end: 1 }],
      ['RUN', { start: 2, end: 3 }],
      ['COPY', { start: 4, end: 4 }],
      ['RUN', { start: 7, end: 7 }],
    ]);
    const inst = DockerfileParser.parse('COPY --from=b x y').getInstructions()[0];
    const a = inst.getArguments();
    a.pop();
    expect(inst.getArguments().map((x) => x.getValue())).toEqual(['x', 'y']);
  });
});

test('variablesRead names what readsVariable finds, for names of word characters', () => {
  const piece = fc.constantFrom('$', '{', '}', 'A', 'AB', '_1', ':-x', ' ', '$$', '-', 'é');
  const names = ['A', 'AB', 'B', '_1', 'A_1', 'x'];
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      for (const name of names) expect(variablesRead(text).includes(name)).toBe(readsVariable(text, name));
    }),
    { numRuns: 3000 },
  );
});
