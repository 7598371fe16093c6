// The scratch trees a verification builds: a copy of the build context as BuildKit would receive it
// (what .dockerignore keeps), and the same tree with the pull request's changes taken back to the
// base commit, from git. Nothing here writes outside the scratch folder.
import { execFile } from 'node:child_process';
import { copyFile, cp, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import dockerignoreModule from '@balena/dockerignore';

type Factory = typeof dockerignoreModule.default;
const dockerignore = ((dockerignoreModule as unknown as { default?: Factory }).default ??
  dockerignoreModule) as unknown as Factory;

const exec = promisify(execFile);

async function git(cwd: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 256 << 20, encoding });
  return stdout;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/**
 * Copies the build context into `dest`, keeping only what `.dockerignore` keeps (the `.dockerignore`
 * itself always). An ignored folder is not walked unless an exception (`!pattern`) may take something
 * back inside it. Symlinks are copied as links; modes are kept. Returns the number of files copied.
 */
export async function copyContext(src: string, dest: string): Promise<number> {
  const ignoreText = await readFile(join(src, '.dockerignore'), 'utf8').catch(() => '');
  const ig = dockerignore({ ignorecase: false });
  ig.add(ignoreText);
  const exceptions = /^\s*!/m.test(ignoreText);
  let files = 0;
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(src, rel), { withFileTypes: true });
    await mkdir(join(dest, rel), { recursive: true });
    for (const e of entries) {
      const r = rel ? posix.join(rel, e.name) : e.name;
      const ignored = r !== '.dockerignore' && ig.ignores(r);
      if (e.isDirectory()) {
        if (ignored && !exceptions) continue;
        await walk(r);
      } else if (!ignored) {
        if (e.isSymbolicLink()) await symlink(await readlink(join(src, r)), join(dest, r));
        else if (e.isFile()) await copyFile(join(src, r), join(dest, r));
        else continue; // sockets, fifos: BuildKit does not send them either
        files++;
      }
    }
  }
  await walk('');
  return files;
}

/** A copy of a scratch tree (for the base), links and modes kept. */
export async function copyTree(src: string, dest: string): Promise<void> {
  await cp(src, dest, { recursive: true, verbatimSymlinks: true, preserveTimestamps: false });
}

export interface GitBase {
  /** The repository's top folder. */
  root: string;
  mergeBase: string;
  /** Paths (repository-relative, posix) that differ between the merge base and the working tree, untracked included. */
  changed: string[];
}

/** The merge base of `ref` with HEAD, and what the working tree changed since it. */
export async function gitBase(dir: string, ref: string): Promise<GitBase> {
  let root: string;
  try {
    root = (await git(dir, ['rev-parse', '--show-toplevel'])).toString().trim();
  } catch {
    throw new Error(`'${dir}' is not inside a git repository: the base tree comes from git`);
  }
  let mergeBase: string;
  try {
    mergeBase = (await git(root, ['merge-base', ref, 'HEAD'])).toString().trim();
  } catch {
    throw new Error(`no merge base of '${ref}' and HEAD (is it fetched? actions/checkout needs fetch-depth: 0)`);
  }
  const diff = (await git(root, ['diff', '--name-only', '--no-renames', '-z', mergeBase])).toString();
  const untracked = (await git(root, ['ls-files', '--others', '--exclude-standard', '-z'])).toString();
  const changed = [...new Set([...diff.split('\0'), ...untracked.split('\0')])].filter(Boolean);
  return { root, mergeBase, changed };
}

/** A file as the base commit has it: its mode and bytes, or null when it does not exist there. */
export async function baseFile(base: GitBase, path: string): Promise<{ mode: string; content: Buffer } | null> {
  const listing = (await git(base.root, ['ls-tree', '-z', base.mergeBase, '--', path])).toString();
  const m = /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(listing);
  if (!m || m[2] !== 'blob') return null;
  const content = (await git(base.root, ['cat-file', 'blob', m[3]], 'buffer')) as Buffer;
  return { mode: m[1], content };
}

/**
 * Turns a copy of the PR's context into the base commit's: every changed file under the context that
 * the copy holds (or that the base has) takes its base version, or goes when the base has none.
 * Returns how many files were taken back.
 */
export async function revertToBase(base: GitBase, contextDir: string, tree: string): Promise<number> {
  const ctx = toPosix(relative(base.root, resolve(contextDir)));
  let n = 0;
  for (const path of base.changed) {
    const rel = ctx === '' ? path : path.startsWith(`${ctx}/`) ? path.slice(ctx.length + 1) : null;
    if (rel === null) continue;
    const target = join(tree, rel);
    const present = await lstat(target).then(
      () => true,
      () => false,
    );
    const old = await baseFile(base, path);
    if (!old) {
      if (present) {
        await rm(target, { recursive: true, force: true });
        n++;
      }
      continue;
    }
    await rm(target, { force: true });
    await mkdir(dirname(target), { recursive: true });
    if (old.mode === '120000') await symlink(old.content.toString('utf8'), target);
    else await writeFile(target, old.content, { mode: old.mode === '100755' ? 0o755 : 0o644 });
    n++;
  }
  return n;
}
