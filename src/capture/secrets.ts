import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyValue } from './inputs.js';

export interface SecretFiles {
  args: string[];
  cleanup: () => Promise<void>;
}

/**
 * Writes each `KEY=value` secret to a private file and returns `--secret id=KEY,src=FILE`:
 * a secret's value never appears in an argument list, where `ps` and logs could see it.
 */
export async function writeSecrets(secrets: string[], dir = tmpdir()): Promise<SecretFiles> {
  if (!secrets.length) return { args: [], cleanup: async () => {} };
  const folder = await mkdtemp(join(dir, 'bca-secrets-'));
  const args: string[] = [];
  for (const [i, item] of secrets.entries()) {
    const kv = keyValue(item);
    if (!kv) throw new Error(`'secrets' input line ${i + 1} must be KEY=value`);
    const file = join(folder, `secret-${i}`);
    await writeFile(file, kv[1], { mode: 0o600 });
    args.push('--secret', `id=${kv[0]},src=${file}`);
  }
  return { args, cleanup: () => rm(folder, { recursive: true, force: true }) };
}
