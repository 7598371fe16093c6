import { readFile } from 'node:fs/promises';
import { changesFromGit, changesFromList, NO_CHANGES, type ChangeSet } from '../analysis/changes.js';

/** What GitHub's event says to compare with: the PR's base branch, or the commit before a push. */
export async function defaultGitBase(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (env.GITHUB_BASE_REF) return `origin/${env.GITHUB_BASE_REF}`;
  if (env.GITHUB_EVENT_NAME === 'push' && env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as { before?: string };
      if (event.before && !/^0+$/.test(event.before)) return event.before;
    } catch {
      return null;
    }
  }
  return null;
}

export interface ActionChangesOpts {
  changedFiles: string;
  gitBase: string;
  /** Where git runs (the Dockerfile's folder) and the Dockerfile, for its changed lines. */
  repoDir: string;
  dockerfile: string | null;
  warn: (message: string) => void;
}

/** The change set of the action: a given list, else git against the given or the event's base; none on failure. */
export async function actionChanges(opts: ActionChangesOpts): Promise<ChangeSet> {
  if (opts.changedFiles) return changesFromList(opts.changedFiles, process.cwd());
  const base = opts.gitBase || (await defaultGitBase());
  if (!base) return NO_CHANGES;
  try {
    return await changesFromGit(opts.repoDir, base, opts.dockerfile);
  } catch (err) {
    opts.warn(`changed files unknown, root causes will be less precise: ${(err as Error).message}`);
    return NO_CHANGES;
  }
}
