// The plain-words shortcut of the shell reader (issue 13: tree-sitter on 10,000 RUNs took seconds) must read
// every script it accepts exactly as tree-sitter does: checked on every RUN of the fixtures' Dockerfiles and
// on generated scripts made of the words where the two could part (numbers before `>`, reserved words,
// assignments, wrappers, `&` glued to words).
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { loadShell, runScript, type Shell } from '../../src/dockerfile/shell.js';
import { fixturesDir } from '../support/fixtures.js';

let shell: Shell;
beforeAll(async () => {
  shell = await loadShell();
}, 30_000);

function fixtureRuns(): string[] {
  const files = execFileSync('find', [fixturesDir, '-name', '*Dockerfile*', '-not', '-name', '*.json'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !f.endsWith('.log') && !f.endsWith('.txt'));
  const scripts: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    for (const stage of parseDockerfile(text).stages)
      for (const inst of stage.steps)
        if (inst.keyword === 'RUN') scripts.push(runScript(lines.slice(inst.lines.start - 1, inst.lines.end)));
  }
  return scripts;
}

describe('the plain-words shortcut reads as tree-sitter does', () => {
  test('every RUN of the fixtures', () => {
    const scripts = fixtureRuns();
    expect(scripts.length).toBeGreaterThan(200);
    let shortcut = 0;
    for (const script of scripts) {
      const tree = shell.parseWithTree(script);
      expect({ script, read: shell.parse(script) }).toEqual({ script, read: tree });
      if (/^[\w./=@%+,\- \t&<>\\\n]*$/.test(script)) shortcut++;
    }
    // The shortcut is taken on a real share of them, so this test compares something.
    expect(shortcut).toBeGreaterThan(30);
  });

  test('generated scripts of words where the two readings could part', () => {
    const word = fc.constantFrom(
      'npm',
      'ci',
      'echo',
      'step',
      '2',
      '1',
      '>',
      '>>',
      '<',
      'out.txt',
      'a=b',
      'FOO=1',
      '1A=2',
      '-x',
      '--omit=dev',
      'in',
      'done',
      'do',
      'time',
      'sudo',
      'env',
      '-u',
      'root',
      'python3',
      '-m',
      'pip',
      'install',
      'sh',
      '-c',
      '&&',
      '&',
      'x&&y',
      '/usr/bin/apt-get',
      'update',
      '%',
      '@scope/pkg',
      'a,b',
      'v1.2+3',
      'gosu',
      'xargs',
      '\\\n',
      '2>',
      'x:y',
      '=',
      '==',
      '-',
      '--',
      '@',
      '+x',
      ',',
      '%x',
      '.',
      './run.sh',
      'a/b',
      'if',
      'fi',
      '_x',
      '9',
    );
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 9 }),
        fc.constantFrom(' ', '  ', '\t', ''),
        (words, gap) => {
          const script = words.join(gap || ' ');
          expect({ script, read: shell.parse(script) }).toEqual({ script, read: shell.parseWithTree(script) });
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 3000) },
    );
  });
});
