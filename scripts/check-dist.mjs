// Fails when the committed dist/ differs from a fresh bundle of src/: every file, both ways (the entries,
// the chunks whose names carry their hash, and the assets the charts read: wasm and fonts).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Files under `dir`, as paths relative to it (none when it does not exist). */
function files(dir) {
  try {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => relative(dir, join(dir, f)));
  } catch {
    return [];
  }
}

const fresh = mkdtempSync(join(tmpdir(), 'bca-dist-'));
try {
  execFileSync(process.execPath, ['scripts/bundle.mjs', fresh], { stdio: 'inherit' });
  const all = [...new Set([...files('dist'), ...files(fresh)])].sort();
  const stale = all.filter((f) => {
    try {
      return !readFileSync(join('dist', f)).equals(readFileSync(join(fresh, f)));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    const [inDist, inFresh] = [new Set(files('dist')), new Set(files(fresh))];
    const why = (f) =>
      inDist.has(f) && inFresh.has(f) ? f : inDist.has(f) ? `${f} (not in a fresh bundle)` : `${f} (missing)`;
    console.error(`dist/ is stale (${stale.map(why).join(', ')}): run 'npm run bundle' and commit dist/.`);
    process.exitCode = 1;
  } else {
    console.log(`dist/ matches a fresh bundle of src/ (${all.length} files).`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
