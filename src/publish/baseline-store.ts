// The baseline store: reports of the base branch kept in GitHub's cache service (@actions/cache).
// A build on a baseline branch restores that branch's newest entry (to compare and to extend its
// history) and saves a new one keyed by commit; a pull request only restores its base branch's.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { History, HistoryEntry } from '../model/history.js';
import type { BuildReport } from '../model/report.js';
import { reportProblem } from '../model/validate-report.js';

export type { History, HistoryEntry };

/** Builds kept in the history (their step statuses only; the newest full report is the baseline). */
export const HISTORY_LIMIT = 30;

export interface StoreEvent {
  eventName: string;
  /** `refs/heads/main` for a push; the PR's merge ref for a pull request. */
  ref: string;
  sha: string;
  /** The pull request's base branch, when the event is a pull request. */
  baseRef: string | null;
  defaultBranch: string | null;
  reportId: string;
  /** The `baseline-branches` input; empty means the default branch. */
  branches: string[];
  /** The job's working directory (the workspace on a runner), which the cache library resolves paths from. */
  cwd: string;
}

export interface StorePlan {
  /** The branch whose newest baseline is restored, or null. */
  restore: string | null;
  /** The cache key a new baseline is saved under, or null (pull requests never save). */
  saveKey: string | null;
  /**
   * The path given to the cache library: relative, so the cache version (a hash of it) and the archive's entries
   * (relative to the workspace) are the same on every runner, whatever its temp dir, home or directory layout.
   */
  cachePath: string;
  /** That path resolved: the files live there only while they are saved or read, since it is in the workspace. */
  dir: string;
  /** Why nothing is restored or saved, for the log. */
  reason: string;
}

const PULL_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review']);
/** The events whose report becomes a baseline others compare against. */
export const SAVE_EVENTS: ReadonlySet<string> = new Set(['push']);

/** `~` cannot appear in a git branch name, so a prefix of one branch never matches another (main vs main-2). */
export function keyPrefix(reportId: string, branch: string): string {
  return `buildkit-cache-analytics-v1~${slug(reportId) || 'default'}~${branch.replace(/,/g, '_')}~`;
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
}

export function planStore(ev: StoreEvent): StorePlan {
  const cachePath = `.buildkit-cache-analytics-baseline-${slug(ev.reportId) || 'default'}`;
  const where = { cachePath, dir: resolve(ev.cwd, cachePath) };
  const none = (reason: string): StorePlan => ({ restore: null, saveKey: null, ...where, reason });
  const branches = ev.branches.length ? ev.branches : [ev.defaultBranch ?? 'main'];
  if (PULL_EVENTS.has(ev.eventName)) {
    if (!ev.baseRef) return none('the pull request event names no base branch');
    return { restore: ev.baseRef, saveKey: null, ...where, reason: '' };
  }
  const branch = ev.ref.startsWith('refs/heads/') ? ev.ref.slice('refs/heads/'.length) : null;
  if (!branch) return none(`'${ev.ref || ev.eventName}' is not a branch`);
  if (!branches.includes(branch)) return none(`branch '${branch}' is not a baseline branch (${branches.join(', ')})`);
  // Only a push saves: other events that run as a baseline branch (workflow_run, issue_comment, schedule,
  // workflow_dispatch...) often process content from elsewhere, such as a fork's pull request.
  if (!SAVE_EVENTS.has(ev.eventName))
    return { restore: branch, saveKey: null, ...where, reason: `a '${ev.eventName}' event never saves a baseline` };
  const saveKey = `${keyPrefix(ev.reportId, branch)}${ev.sha || Date.now()}`;
  return { restore: branch, saveKey, ...where, reason: '' };
}

/** The subset of @actions/cache used here, so the store can be driven by the real package or a test double of it. */
export interface CacheApi {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface Restored {
  key: string;
  baseline: BuildReport | null;
  /** Why the entry holds no baseline (the first field the report's schema rejects), when it does not. */
  problem: string | null;
  history: History;
}

const EMPTY_HISTORY: History = { schemaVersion: 1, builds: [] };

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

function isHistory(v: unknown): v is History {
  const h = v as Partial<History> | null;
  return typeof h === 'object' && h !== null && h.schemaVersion === 1 && Array.isArray(h.builds);
}

/** The newest baseline of a branch, or null when there is none (a miss is not an error). */
export async function restoreBaseline(cache: CacheApi, plan: StorePlan, reportId: string): Promise<Restored | null> {
  if (!plan.restore) return null;
  await rm(plan.dir, { recursive: true, force: true });
  const prefix = keyPrefix(reportId, plan.restore);
  try {
    const key = await cache.restoreCache([plan.cachePath], prefix, [prefix]);
    if (!key) return null;
    const report = await readJson(join(plan.dir, 'baseline.json'));
    const history = await readJson(join(plan.dir, 'history.json'));
    const problem = report === null ? 'baseline.json is missing or not JSON' : reportProblem(report);
    return {
      key,
      baseline: problem ? null : (report as BuildReport),
      problem,
      history: isHistory(history) ? history : EMPTY_HISTORY,
    };
  } finally {
    // Gone before the build starts: in the build context it would change what `COPY . .` copies.
    await rm(plan.dir, { recursive: true, force: true });
  }
}

export function historyEntry(
  report: BuildReport,
  commit: string,
  branch: string,
  runUrl: string | null = null,
): HistoryEntry {
  return {
    ...(runUrl ? { runUrl } : {}),
    commit,
    branch,
    createdAt: report.generatedAt,
    steps: Object.fromEntries(report.steps.map((s) => [s.id, s.status])),
    seconds: report.run?.buildSeconds ?? report.totals.wallSeconds ?? report.totals.stepSeconds,
  };
}

/** Saves this report as the branch's newest baseline, its history extended by this build. */
export async function saveBaseline(
  cache: CacheApi,
  plan: StorePlan,
  report: BuildReport,
  previous: History,
  commit: string,
  runUrl: string | null = null,
): Promise<{ key: string; saved: boolean }> {
  if (!plan.saveKey || !plan.restore) throw new Error('this event does not save a baseline');
  await rm(plan.dir, { recursive: true, force: true });
  try {
    await mkdir(plan.dir, { recursive: true });
    const builds = [...previous.builds, historyEntry(report, commit, plan.restore, runUrl)].slice(-HISTORY_LIMIT);
    await writeFile(join(plan.dir, 'baseline.json'), JSON.stringify(report));
    await writeFile(join(plan.dir, 'history.json'), JSON.stringify({ schemaVersion: 1, builds } satisfies History));
    const id = await cache.saveCache([plan.cachePath], plan.saveKey);
    return { key: plan.saveKey, saved: id !== -1 };
  } finally {
    await rm(plan.dir, { recursive: true, force: true });
  }
}
