import { items, sensitiveValues } from '../../src/capture/inputs.js';
import { extraArgSecrets, publicArgs } from '../../src/capture/extra-args.js';
import { ProgressRedactor, redactProgressText } from '../../src/capture/redact-progress.js';
import { Redactor } from '../../src/model/redact.js';

describe('items', () => {
  test.each([
    { name: '1 one a line, comments and blanks dropped', input: 'A=1\n\n# note\nB=2', want: ['A=1', 'B=2'] },
    { name: '2 commas stay in a value', input: 'A=x,y', want: ['A=x,y'] },
    { name: '3 quoted CSV over lines', input: '"KEY=line 1\nline 2"\nB=2', want: ['KEY=line 1\nline 2', 'B=2'] },
    { name: '4 a doubled quote is a quote', input: '"A=say ""hi"""', want: ['A=say "hi"'] },
    { name: '5 heredoc', input: 'CERT=<<EOF\n  a\nb\nEOF\nB=2', want: ['CERT=  a\nb', 'B=2'] },
    { name: '6 quoted heredoc delimiter', input: "K=<<'END'\nx\nEND", want: ['K=x'] },
    { name: '7 a quote inside a value is kept', input: 'A=x"y', want: ['A=x"y'] },
  ])('$name', ({ input, want }) => {
    expect(items(input, 'secrets')).toEqual(want);
  });

  test.each([
    ['"A=open\nnever closed', /'secrets' input: the quoted value of line 1 is never closed/],
    ['K=<<EOF\nx', /'secrets' input: 'K=<<EOF' is never closed by a line 'EOF'/],
  ])('unterminated %# is an error naming the input, not the value', (input, message) => {
    expect(() => items(input, 'secrets')).toThrow(message);
  });

  test('each line of a multi-line value is sensitive', () => {
    expect(sensitiveValues({ 'build-args': ['A=one\n two \n'], secrets: ['S=x'] })).toEqual([
      'one\n two \n',
      'one',
      'two',
      'x',
    ]);
  });
});

describe('extraArgSecrets', () => {
  const files: Record<string, string> = { '/s/npmrc': 'FROM-FILE', '/k/id': 'K1\nK2\n' };
  test.each([
    { name: '1 --build-arg K=V', args: ['--build-arg', 'K=v1'], want: ['v1'] },
    { name: '2 --build-arg=K=V', args: ['--build-arg=K=v2'], want: ['v2'] },
    { name: '3 --build-arg K from the environment', args: ['--build-arg', 'HOME_X'], want: ['from-env'] },
    { name: '4 --secret src', args: ['--secret', 'id=a,src=/s/npmrc'], want: ['FROM-FILE'] },
    { name: '5 --secret=type=env', args: ['--secret=id=a,env=HOME_X'], want: ['from-env'] },
    { name: '6 --secret id only', args: ['--secret', 'id=HOME_X'], want: ['from-env'] },
    { name: '7 --ssh key files', args: ['--ssh', 'default=/k/id'], want: ['K1\nK2\n', 'K1', 'K2'] },
    { name: '8 other flags', args: ['--tag', 'x', '--no-cache'], want: [] },
  ])('$name', ({ args, want }) => {
    expect(extraArgSecrets(args, { env: { HOME_X: 'from-env' }, readText: (p) => files[p] ?? null })).toEqual(want);
  });

  test('publicArgs keeps the ids of secrets and ssh keys, not their sources', () => {
    expect(
      publicArgs([
        '--secret',
        'id=a,src=/s',
        '--secret=id=b,env=X',
        '--ssh',
        'default=/k',
        '--ssh',
        'default',
        '-t',
        'x',
      ]),
    ).toEqual(['--secret', 'id=a,***', '--secret=id=b,***', '--ssh', 'default=***', '--ssh', 'default', '-t', 'x']);
  });
});

describe('ProgressRedactor', () => {
  const record = (data: string, vertex = 'v1') =>
    JSON.stringify({ logs: [{ vertex, stream: 1, data: Buffer.from(data).toString('base64') }] });
  const decoded = (lines: string[]) =>
    lines.map((l) => (JSON.parse(l) as { logs?: { vertex: string; data: string }[] }).logs ?? []).flat();

  test('a value cut between records of one vertex is masked; other vertices pass through', () => {
    const r = new ProgressRedactor(new Redactor(['SECRET-VALUE']));
    const out = [
      ...r.line(record('a SEC')),
      ...r.line(record('other SEC', 'v2')),
      ...r.line(record('RET-VALUE b')),
      ...r.line(JSON.stringify({ vertexes: [{ digest: 'v1', completed: '2026-01-01T00:00:00Z' }] })),
      ...r.end(),
    ];
    const text = (v: string) =>
      decoded(out)
        .filter((l) => l.vertex === v)
        .map((l) => Buffer.from(l.data, 'base64').toString())
        .join('');
    expect(text('v1')).toBe('a *** b');
    expect(text('v2')).toBe('other SEC');
    // v2's held-back end comes out at the end of the stream; v1's before its completion.
    expect(out.findIndex((l) => l.includes('"completed"'))).toBeGreaterThan(
      out.findIndex((l) => decoded([l]).some((x) => x.vertex === 'v1' && x.data !== '')),
    );
  });

  test('100,000 vertices that end with a value held back: each flushed at its end or the stream end, none lost', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(record(`out ${i} SEC`, `v${i}`));
    for (let i = 0; i < 100_000; i += 2)
      lines.push(JSON.stringify({ vertexes: [{ digest: `v${i}`, completed: '2026-01-01T00:00:00Z' }] }));
    const out = redactProgressText(`${lines.join('\n')}\n`, new Redactor(['SECRET-VALUE']))
      .trimEnd()
      .split('\n');
    const held = decoded(out).filter((l) => Buffer.from(l.data, 'base64').toString() === 'SEC');
    expect(held).toHaveLength(100_000);
    // An ended vertex's held-back text comes out before its completion record; the others' at the end.
    expect(out.indexOf(JSON.stringify({ vertexes: [{ digest: 'v0', completed: '2026-01-01T00:00:00Z' }] }))).toBe(
      100_001,
    );
  }, 30_000);

  test('a cut UTF-8 character survives', () => {
    const r = new ProgressRedactor(new Redactor(['zzz-secret']));
    const bytes = Buffer.from('é!');
    const out = [
      ...r.line(JSON.stringify({ logs: [{ vertex: 'v', data: bytes.subarray(0, 1).toString('base64') }] })),
      ...r.line(JSON.stringify({ logs: [{ vertex: 'v', data: bytes.subarray(1).toString('base64') }] })),
      ...r.end(),
    ];
    expect(
      decoded(out)
        .map((l) => Buffer.from(l.data, 'base64').toString())
        .join(''),
    ).toBe('é!');
  });
});
