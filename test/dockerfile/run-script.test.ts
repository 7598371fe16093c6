// The script a RUN runs, as the shell parser reads it: RUN's own flags are never part of it, also when they go on
// over continuation lines (found by comparing a plain-word splitter with tree-sitter on the fixtures' RUN lines:
// `--mount=...` on a second line was read as an assignment in front of `npm`).
import { loadShell, runScript } from '../../src/dockerfile/shell.js';

describe('runScript', () => {
  test('flags over several lines are left out; the command is what runs', async () => {
    const shell = await loadShell();
    const script = runScript([
      'RUN --mount=type=cache,target=/root/.npm \\',
      '    --mount=type=bind,source=package-lock.json,target=package-lock.json \\',
      '    npm ci --omit=dev && npm run build',
    ]);
    expect(script).not.toContain('--mount');
    const read = shell.parse(script);
    expect(read.commands.map((c) => [c.name, c.args, c.env])).toEqual([
      ['npm', ['ci', '--omit=dev'], []],
      ['npm', ['run', 'build'], []],
    ]);
    expect(read.chain).toEqual(['npm ci --omit=dev', 'npm run build']);
  }, 30_000);

  test('one line, flags on it, and no flags at all, are unchanged', () => {
    expect(runScript(['RUN --mount=type=cache,target=/x npm ci'])).toBe('npm ci');
    expect(runScript(['RUN \\', '    npm ci'])).toBe('\\\n    npm ci');
    expect(runScript(['RUN apt-get update \\', '  && apt-get install -y --no-install-recommends curl'])).toBe(
      'apt-get update \\\n  && apt-get install -y --no-install-recommends curl',
    );
  });
});
