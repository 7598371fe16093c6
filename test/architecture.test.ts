// The design's shape (DESIGN.md §2), checked: data flows one way, so a folder of src/ imports only
// folders before it in this order. model/ is the contract and imports no other folder of src/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { rootDir } from './support/fixtures.js';

/** Each layer, first to last; a file may import its own layer and those before it. */
const LAYERS: readonly string[][] = [
  ['model'],
  ['util', 'version.ts'],
  ['capture'],
  ['progress'],
  ['remote-cache'],
  ['dockerfile'],
  ['image'],
  ['analysis'],
  ['pipeline'],
  ['render'],
  ['publish'],
  ['verify'],
  ['action'],
  ['cli.ts', 'bin.ts', 'analyze-command.ts', 'suggest-file.ts', 'verify-command.ts'],
];

/** The layer of a path relative to src/ (posix), by its first segment. */
export function layerOf(path: string): number {
  const first = path.split('/')[0];
  const i = LAYERS.findIndex((names) => names.includes(first));
  if (i < 0) throw new Error(`src/${path} is in no layer of the design: add its folder to LAYERS`);
  return i;
}

/** Static imports, re-exports and dynamic imports of relative modules. */
export function relativeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)) out.push(m[1]);
  return out;
}

/** Every import of `files` (path relative to src/ → text) that reaches a later layer. */
export function upwardImports(files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    for (const spec of relativeImports(text)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
      if (target.startsWith('..')) {
        out.push(`${file} imports ${spec}, outside src/`);
        continue;
      }
      if (layerOf(target) > layerOf(file)) out.push(`${file} imports ${target}`);
    }
  }
  return out;
}

function sources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(relative(dir, full).split(sep).join('/'), readFileSync(full, 'utf8'));
  }
  return out;
}

describe('upwardImports', () => {
  test.each([
    ['1 a stage importing an earlier one', 'analysis/a.ts', "import { x } from '../progress/types.js';", []],
    ['2 within a folder', 'render/a.ts', "import { x } from './charts/index.js';", []],
    [
      '3 model importing a stage',
      'model/a.ts',
      "import type { V } from '../progress/types.js';",
      ['model/a.ts imports progress/types.ts'],
    ],
    [
      '4 a dynamic import upward',
      'image/a.ts',
      "const m = await import('../publish/x.js');",
      ['image/a.ts imports publish/x.ts'],
    ],
    ['5 an entry file upward', 'pipeline/a.ts', "export { run } from '../cli.js';", ['pipeline/a.ts imports cli.ts']],
    [
      '6 a side-effect import',
      'dockerfile/a.ts',
      "import '../analysis/x.js';",
      ['dockerfile/a.ts imports analysis/x.ts'],
    ],
  ])('%s', (_name, file, text, expected) => {
    expect(upwardImports(new Map([[file, text]]))).toEqual(expected);
  });
});

test('no folder of src/ imports one after it in the design', () => {
  const files = sources(join(rootDir, 'src'));
  expect(files.size).toBeGreaterThan(50);
  expect(upwardImports(files)).toEqual([]);
});
