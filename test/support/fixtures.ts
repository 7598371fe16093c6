import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rootDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = join(rootDir, 'fixtures');

export function fixture(...parts: string[]): string {
  return join(fixturesDir, ...parts);
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixture(...parts), 'utf8');
}

export function listFixtures(dir: string, suffix: string): string[] {
  return readdirSync(fixture(dir))
    .filter((f) => f.endsWith(suffix))
    .sort();
}
