import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../src/version.js';
import { rootDir } from './support/fixtures.js';

test('VERSION matches package.json', () => {
  expect(VERSION).toBe(JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')).version);
});
