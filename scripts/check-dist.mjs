// Fails when the committed dist/ differs from a fresh bundle of src/.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const fresh = mkdtempSync(join(tmpdir(), 'bca-dist-'));
try {
  execFileSync(process.execPath, ['scripts/bundle.mjs', fresh], { stdio: 'inherit' });
  const files = new Set([...readdirSync('dist'), ...readdirSync(fresh)]);
  const stale = [...files].filter((f) => {
    try {
      return !readFileSync(join('dist', f)).equals(readFileSync(join(fresh, f)));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`dist/ is stale (${stale.join(', ')}): run 'npm run bundle' and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ matches a fresh bundle of src/.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
