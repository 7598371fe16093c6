import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** What changed between the baseline and this build: files, and the Dockerfile lines touched. */
export interface ChangeSet {
  source: 'git' | 'list' | 'none';
  /** Absolute paths. */
  files: string[];
  /** Lines of the (new) Dockerfile that the change touched; null when unknown. */
  dockerfileLines: Set<number> | null;
}

export const NO_CHANGES: ChangeSet = { source: 'none', files: [], dockerfileLines: null };

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 64 << 20 });
  return stdout;
}

/** `@@ -a,b +c,d @@` hunks of a zero-context diff: the new file's changed lines (a deletion marks the line after). */
export function changedLines(diff: string): Set<number> {
  const lines = new Set<number>();
  for (const m of diff.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count === 0) lines.add(start + 1);
    for (let i = 0; i < count; i++) lines.add(start + i);
  }
  return lines;
}

/**
 * Files changed since the merge base with `base`, in commits and in the working tree (a developer's
 * uncommitted edits build too), plus untracked files; and the Dockerfile's changed lines.
 */
export async function changesFromGit(repoDir: string, base: string, dockerfile: string | null): Promise<ChangeSet> {
  let mergeBase: string;
  try {
    mergeBase = (await git(repoDir, ['merge-base', base, 'HEAD'])).trim();
  } catch {
    throw new Error(
      `cannot compare with '${base}': no common history with HEAD (is it fetched? actions/checkout needs fetch-depth: 0)`,
    );
  }
  const root = (await git(repoDir, ['rev-parse', '--show-toplevel'])).trim();
  const changed = (await git(root, ['diff', '--name-only', mergeBase])).split('\n');
  const untracked = (await git(root, ['ls-files', '--others', '--exclude-standard'])).split('\n');
  let dockerfileLines: Set<number> | null = null;
  if (dockerfile) dockerfileLines = changedLines(await git(repoDir, ['diff', '-U0', mergeBase, '--', dockerfile]));
  const files = [...new Set([...changed, ...untracked])].filter(Boolean).map((f) => resolve(root, f));
  return { source: 'git', files, dockerfileLines };
}

/** A list given by the user (`--changed-files`, one path a line or comma separated), relative to `cwd`. */
export function changesFromList(text: string, cwd: string): ChangeSet {
  const files = text
    .split(/[\n,]/)
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => resolve(cwd, f));
  return { source: 'list', files, dockerfileLines: null };
}
