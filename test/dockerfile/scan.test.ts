import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { parseDockerfile, plainWords } from '../../src/dockerfile/parse.js';
import { scanInstructions } from '../../src/dockerfile/scan.js';
import { fixturesDir } from '../support/fixtures.js';

/** Every Dockerfile the fixtures hold (real projects' and the ones our builds recorded). */
function dockerfiles(dir = fixturesDir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) dockerfiles(path, out);
    else if (/^Dockerfile(?:\..+)?$|\.Dockerfile$/.test(name) && !/\.(?:json|log|txt)$/.test(name)) out.push(path);
  }
  return out;
}

/** Instructions as dockerfile-ast delimits them: keyword and range. */
function byLibrary(text: string) {
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => ({ keyword: i.getKeyword(), range: i.getRange() }));
}

/** The scanner's answer in the same terms (null when it leaves the file to dockerfile-ast). */
function byScanner(text: string) {
  const scanned = scanInstructions(text);
  if (!scanned) return null;
  const doc = DockerfileParser.parse(text) as unknown as {
    document: { positionAt(o: number): { line: number; character: number } };
  };
  return scanned.map((s) => ({
    keyword: s.keyword.toUpperCase(),
    range: { start: doc.document.positionAt(s.start), end: doc.document.positionAt(s.end) },
  }));
}

/** The parse, or that dockerfile-ast threw (it does on some broken files, through either path). */
function outcome(text: string, scan: boolean): unknown {
  try {
    return parseDockerfile(text, { scan });
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

describe('scanInstructions: the instructions dockerfile-ast finds, without its objects', () => {
  const files = dockerfiles();

  it('on every Dockerfile of the fixtures: the same instructions, and the same parse', () => {
    expect(files.length).toBeGreaterThan(50);
    let scanned = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const mine = byScanner(text);
      if (mine) {
        scanned++;
        expect([file, mine]).toEqual([file, byLibrary(text)]);
      }
      expect([file, parseDockerfile(text)]).toEqual([file, parseDockerfile(text, { scan: false })]);
    }
    // Most real files are read by the scanner (the others have here-documents, directives or CRLF).
    expect(scanned / files.length).toBeGreaterThan(0.6);
  });

  it('on generated files with continuations, comments, blanks and flags in every place', () => {
    const word = fc.constantFrom(
      'a',
      'b=c',
      '--from=base',
      '--mount=type=cache,from=deps,target=/x',
      '["a", "b c"]',
      '$X',
      '${Y:-1}',
      '#x',
      'AS',
      'name',
      '/app/',
      '.',
      '\\\\',
      '\\$',
      // Plain words (read without dockerfile-ast when a FROM, COPY or ADD is all such), and its quirks.
      '--platform=linux/amd64',
      '--from',
      '--from=',
      '--chown=1:1',
      '--',
      '---x',
      'a--b',
      'x--',
      '*.json',
      'src/',
      'img:1@sha256:ab',
      'as',
    );
    const piece = fc.oneof(
      word,
      fc.constantFrom(' ', '\t', '  ', '\\\n', '\\  \n', '\\ \t\n', '\\ x', '\n', '\n\n', '\n# c\n', '\n  # c\n', '\\'),
    );
    const keyword = fc.constantFrom(
      'FROM',
      'from',
      'RUN',
      'COPY',
      'ADD',
      'ARG',
      'WORKDIR',
      'ENV',
      'CMD',
      'ONBUILD RUN',
    );
    const instruction = fc
      .tuple(fc.constantFrom('', ' ', '\t'), keyword, fc.array(piece, { maxLength: 8 }))
      .map(([lead, k, rest]) => `${lead}${k} ${rest.join(' ')}`);
    const line = fc.oneof(
      { weight: 6, arbitrary: instruction },
      fc.constantFrom('', '# comment', '  # indented', '#', '# syntax=docker/dockerfile:1'),
    );
    const file = fc
      .tuple(fc.array(line, { maxLength: 10 }), fc.boolean())
      .map(([ls, end]) => ls.join('\n') + (end ? '\n' : ''));
    fc.assert(
      fc.property(file, (text) => {
        const mine = byScanner(text);
        if (mine) expect(mine).toEqual(byLibrary(text));
        expect(outcome(text, true)).toEqual(outcome(text, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves to dockerfile-ast what only it reads', () => {
    // Words with anything to unquote or expand, JSON, more than one line, and dockerfile-ast's flag quirk.
    for (const text of ['COPY "a b" c', 'COPY $X .', 'COPY ["a", "b"]', 'COPY a \\', 'COPY a--b --from=x c', 'FROM\ta'])
      expect(plainWords(text)).toBeNull();
    expect(plainWords('COPY --from=base --chown=1:1 a b ./')).toEqual({
      flags: [
        { name: 'from', value: 'base' },
        { name: 'chown', value: '1:1' },
      ],
      args: ['a', 'b', './'],
    });
    expect(scanInstructions('# escape=`\nFROM a\nRUN b `\n c\n')).toBeNull();
    expect(scanInstructions('FROM a\r\nRUN b\r\n')).toBeNull();
    expect(scanInstructions('FROM a\nRUN <<EOF\nx\nEOF\n')).toBeNull();
    expect(scanInstructions('\uFEFFFROM a\n')).toBeNull();
    expect(scanInstructions('# a=b # c=d\nFROM a\n')).toBeNull();
    expect(scanInstructions('# syntax=docker/dockerfile:1\nFROM a\nRUN b \\\n  c\n')).toHaveLength(2);
  });
});
