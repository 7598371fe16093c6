import type { getOctokit } from '@actions/github';
import { withRetry } from './retry.js';

type Octokit = ReturnType<typeof getOctokit>;

export type CommentMode = 'auto' | 'always' | 'never' | 'on-regression';
export const COMMENT_MODES: readonly CommentMode[] = ['auto', 'always', 'never', 'on-regression'];

/** The hidden marker that finds this build's comment again (one per pull request and `report-id`). */
export function commentMarker(reportId: string): string {
  const id = reportId.replace(/[^\w.-]/g, '_') || 'default';
  return `<!-- buildkit-cache-analytics:${id} -->`;
}

export interface StickyCommentOpts {
  octokit: Octokit;
  owner: string;
  repo: string;
  issueNumber: number;
  reportId: string;
  /** The comment's text; the marker is put first. */
  body: string;
  mode: CommentMode;
  regressions: number;
  /** Pause before a retry (tests shorten it). */
  retryDelayMs?: number;
}

export interface StickyCommentResponse {
  action: 'created' | 'updated' | 'skipped';
  id: number | null;
  reason: string | null;
}

/** Who the token acts as: a user token can say; the workflow token (an app) cannot, and posts as github-actions[bot]. */
async function identity(octokit: Octokit): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

/**
 * One comment per pull request and report id: created once, then updated in place. Only a comment
 * by the token's own identity that carries the marker counts: a comment quoting the marker does not.
 */
export async function upsertComment(opts: StickyCommentOpts): Promise<StickyCommentResponse> {
  if (opts.mode === 'never') return { action: 'skipped', id: null, reason: "the 'comment' input is never" };
  const delay = opts.retryDelayMs;
  const { octokit, owner, repo } = opts;
  const marker = commentMarker(opts.reportId);
  const me = await identity(octokit);
  const comments = await withRetry(
    () =>
      octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: opts.issueNumber,
        per_page: 100,
      }),
    delay,
  );
  const mine = comments.find((c) => c.user?.login === me && (c.body ?? '').startsWith(marker));
  if (!mine && opts.mode === 'on-regression' && opts.regressions === 0) {
    return { action: 'skipped', id: null, reason: 'no regression, and no earlier comment to update' };
  }
  const body = `${marker}\n${opts.body}`;
  if (mine) {
    await withRetry(() => octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body }), delay);
    return { action: 'updated', id: mine.id, reason: null };
  }
  const created = await withRetry(
    () => octokit.rest.issues.createComment({ owner, repo, issue_number: opts.issueNumber, body }),
    delay,
  );
  return { action: 'created', id: created.data.id, reason: null };
}
