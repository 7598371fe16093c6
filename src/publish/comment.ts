import type { getOctokit } from '@actions/github';
import type { BuildReport } from '../model/report.js';
import { codeSpan } from '../render/inline.js';
import { renderFitted } from '../render/markdown.js';
import type { UploadedArtifact } from './artifact-name.js';
import { withRetry } from './retry.js';
import { workflowRunUrl } from './run-url.js';

type Octokit = ReturnType<typeof getOctokit>;

export type CommentMode = 'auto' | 'always' | 'never' | 'on-regression';
export const COMMENT_MODES: readonly CommentMode[] = ['auto', 'always', 'never', 'on-regression'];

/** The hidden marker that finds this build's comment again (one per pull request and `report-id`). */
export function commentMarker(reportId: string): string {
  const id = reportId.replace(/[^\w.-]/g, '_') || 'default';
  return `<!-- buildkit-cache-analytics:${id} -->`;
}

/** The marker that also names the comment's author, as the create call returned it (`[\w.-]` and `[bot]`). */
export function authoredMarker(reportId: string, login: string): string {
  return `${commentMarker(reportId).slice(0, -4)} author:${login.replace(/[^\w.[\]-]/g, '_')} -->`;
}

/** GitHub's limit is 65,536 characters; the marker and a margin stay below it. */
export const COMMENT_LIMIT = 60_000;

/** The line under the comment and the job summary that points to the artifact; empty without one. */
export function artifactFooter(artifact: UploadedArtifact | null): string {
  if (!artifact) return '';
  const label = codeSpan(artifact.name);
  const where = artifact.url ? `[${label}](${artifact.url})` : label;
  return `\nCharts, the HTML report and the JSON report: artifact ${where}.\n`;
}

/** The comment's text (without the marker, which `upsertComment` puts first): the report fitted, then the footer. */
export function commentBody(report: BuildReport, footer: string): string {
  return renderFitted(report, COMMENT_LIMIT - footer.length) + footer;
}

/**
 * Where the artifact will be, for what is posted before it is uploaded (the comment): its name and the
 * workflow run's page, which lists it. Empty when no artifact will be uploaded.
 */
export function pendingArtifactFooter(name: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (!name) return '';
  const url = workflowRunUrl(env);
  const where = url ? ` on [the workflow run](${url})` : '';
  return `\nCharts, the HTML report and the JSON report: artifact ${codeSpan(name)}${where}.\n`;
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

interface ListedComment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
}

/** Who the token acts as, when GitHub says: a user token can; an installation token (the workflow's, an app's) gets 403. */
async function identity(octokit: Octokit): Promise<string | null> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return null;
  }
}

/**
 * Ours: a comment that starts with the marker and was written by the token's identity. When GitHub will not
 * say who the token is (installation tokens: the workflow token, a GitHub App's), a comment is ours when a bot
 * wrote it and its marker names that bot as the author (the login the create call returned): a person, or
 * another app, quoting the marker is never taken over.
 */
export function isOurs(c: ListedComment, reportId: string, me: string | null): boolean {
  const login = c.user?.login ?? '';
  const body = c.body ?? '';
  if (!login) return false;
  if (me !== null)
    return login === me && (body.startsWith(commentMarker(reportId)) || body.startsWith(authoredMarker(reportId, me)));
  return c.user?.type === 'Bot' && body.startsWith(authoredMarker(reportId, login));
}

/**
 * One comment per pull request and report id: created once, then updated in place. Only a comment
 * by the token's own identity that carries the marker counts: a comment quoting the marker does not.
 */
export async function upsertComment(opts: StickyCommentOpts): Promise<StickyCommentResponse> {
  if (opts.mode === 'never') return { action: 'skipped', id: null, reason: "the 'comment' input is never" };
  const delay = opts.retryDelayMs;
  const { octokit, owner, repo } = opts;
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
  const mine = comments.find((c) => isOurs(c, opts.reportId, me));
  if (!mine && opts.mode === 'on-regression' && opts.regressions === 0) {
    return { action: 'skipped', id: null, reason: 'no regression, and no earlier comment to update' };
  }
  const withMarker = (login: string) => `${authoredMarker(opts.reportId, login)}\n${opts.body}`;
  if (mine) {
    const body = withMarker(mine.user!.login!);
    await withRetry(() => octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body }), delay);
    return { action: 'updated', id: mine.id, reason: null };
  }
  // When GitHub will not say who the token is, the comment is created with the plain marker, then the author
  // GitHub names in its answer is written into the marker, so the next run finds it whatever the token kind.
  const created = await withRetry(
    () =>
      octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: opts.issueNumber,
        body: me ? withMarker(me) : `${commentMarker(opts.reportId)}\n${opts.body}`,
      }),
    delay,
  );
  const author = created.data.user?.login;
  if (!me && author) {
    const body = withMarker(author);
    await withRetry(() => octokit.rest.issues.updateComment({ owner, repo, comment_id: created.data.id, body }), delay);
  }
  return { action: 'created', id: created.data.id, reason: null };
}
