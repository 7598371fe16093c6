// action.yml is what users read: every input the action reads and every output it sets is described there.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { getInputs } from '../src/action/context.js';
import { rootDir } from './support/fixtures.js';

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const yml = parse(readFileSync(join(rootDir, 'action.yml'), 'utf8')) as ActionYml;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('every input read is declared with a description, and every declared input is read', () => {
  const read = new Set<string>();
  getInputs((name) => {
    read.add(name);
    return yml.inputs[name]?.default ?? '';
  });
  expect([...read].sort()).toEqual(Object.keys(yml.inputs).sort());
  for (const [name, input] of Object.entries(yml.inputs))
    expect([name, input.description.length > 20]).toEqual([name, true]);
});

test('every output set is declared, and every declared output is set somewhere', () => {
  const set = new Set<string>();
  for (const file of sources(join(rootDir, 'src')))
    for (const m of readFileSync(file, 'utf8').matchAll(/setOutput\(\s*'([a-z-]+)'/g)) set.add(m[1]);
  expect([...set].sort()).toEqual(Object.keys(yml.outputs).sort());
});

test('runs on node24 from the bundle', () => {
  expect(yml.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
});
