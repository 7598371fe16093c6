// The action runs on GitHub's `node24` runtime; the CLI on whatever Node a developer has (>= 20). The pipeline
// rows are measured on both: the Node running the bench, and a Node 24 from the npm registry (the
// `node-<platform>-<arch>` package, the binary the `node` package installs), fetched once into bench/out/node24.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './generate.js';

const DIR = join(BENCH_DIR, 'out', 'node24');

function version(node: string): string | null {
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return null;
  }
}

/**
 * A Node 24 binary (`BENCH_NODE24` when set), or null with the reason when none can be had (no registry, a
 * platform without that package) or when the bench already runs on Node 24.
 */
export function node24(): { path: string; version: string } | { path: null; why: string } {
  if (process.versions.node.startsWith('24.')) return { path: null, why: 'the bench runs on Node 24 already' };
  const given = process.env.BENCH_NODE24;
  const path = given || join(DIR, 'package', 'bin', 'node');
  let found = existsSync(path) ? version(path) : null;
  if (!found && !given) {
    try {
      rmSync(DIR, { recursive: true, force: true });
      mkdirSync(DIR, { recursive: true });
      const pkg = `node-${process.platform}-${process.arch}@24`;
      execFileSync('npm', ['pack', pkg, '--pack-destination', DIR, '--silent'], { stdio: 'ignore', timeout: 300_000 });
      const tgz = readdirSync(DIR).find((f) => f.endsWith('.tgz'));
      if (tgz) execFileSync('tar', ['xzf', join(DIR, tgz), '-C', DIR], { timeout: 300_000 });
      found = existsSync(path) ? version(path) : null;
    } catch {
      found = null;
    }
  }
  if (!found?.startsWith('v24.'))
    return { path: null, why: given ? `BENCH_NODE24=${given} is not a Node 24` : 'no Node 24 from the npm registry' };
  return { path, version: found };
}
