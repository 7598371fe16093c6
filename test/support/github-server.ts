// A local stand-in for GitHub's REST API, enough for the PR comment: every request is checked
// against GitHub's published OpenAPI description (@octokit/openapi) — the path and method must be
// an operation there, and a JSON body must match its schema — and answered like GitHub does.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
interface Spec {
  paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>>;
}
const spec = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
) as Spec;
const ajv = new (Ajv as unknown as typeof Ajv.default)({ strict: false, allErrors: true, validateFormats: true });
(addFormats as unknown as typeof addFormats.default)(ajv);
ajv.addSchema(spec as object, 'gh');

const templates = Object.keys(spec.paths).map((path) => ({
  path,
  re: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The OpenAPI operation of a request, or why there is none. */
function operation(method: string, url: string): { path: string; op: { operationId?: string } } | string {
  const path = url.split('?')[0];
  const t = templates.find((x) => x.re.test(path) && spec.paths[x.path][method.toLowerCase()]);
  return t
    ? { path: t.path, op: spec.paths[t.path][method.toLowerCase()] }
    : `no operation ${method} ${path} in GitHub's REST API`;
}

function validateBody(path: string, method: string, body: unknown): string | null {
  const pointer = `gh#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
  const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
  return validate(body) ? null : ajv.errorsText(validate.errors);
}

export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
}

export interface GitHubServer {
  url: string;
  comments: Comment[];
  /** Requests GitHub would not have accepted as sent (must stay empty). */
  violations: string[];
  requests: string[];
  /** The next requests matching `METHOD path-regex` answer `status` (e.g. 403 for a fork, 500 once). */
  fail: { match: RegExp; status: number; times: number }[];
  /** What GET /user answers: a login, or 403 as for an installation token (the workflow token, a GitHub App's). */
  authenticatedAs: string | null;
  /** What GET /repos/{owner}/{repo}/actions/cache/usage answers (bytes and count of active caches). */
  cacheUsage: { bytes: number; count: number };
  /** Requests matching these wait this long before answering (a deadline test). */
  stall: { match: RegExp; ms: number }[];
  /** Who the token's comments are written by: the workflow token's bot, or a GitHub App's (`<slug>[bot]`). */
  commenter: { login: string; type: 'User' | 'Bot' };
  close(): Promise<void>;
}

export async function startGitHubServer(): Promise<GitHubServer> {
  let nextId = 1000;
  const state: Omit<GitHubServer, 'url' | 'close'> = {
    comments: [],
    violations: [],
    requests: [],
    fail: [],
    authenticatedAs: null,
    cacheUsage: { bytes: 0, count: 0 },
    stall: [],
    commenter: { login: 'github-actions[bot]', type: 'Bot' },
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    state.requests.push(`${method} ${url}`);
    const op = operation(method, url);
    if (typeof op === 'string') {
      state.violations.push(op);
      return send(res, 404, { message: 'Not Found' });
    }
    if (!/^(token|Bearer) \S+/.test(req.headers.authorization ?? ''))
      state.violations.push(`${method} ${url} without a token`);
    let body: unknown = null;
    if (raw) {
      body = JSON.parse(raw);
      const error = validateBody(op.path, method, body);
      if (error) state.violations.push(`${method} ${url}: ${error}`);
    }
    const failure = state.fail.find((f) => f.times > 0 && f.match.test(`${method} ${url}`));
    if (failure) {
      failure.times--;
      return send(res, failure.status, {
        message: failure.status === 403 ? 'Resource not accessible by integration' : 'Server Error',
      });
    }
    const stall = state.stall.find((s) => s.match.test(`${method} ${url}`));
    if (stall) await new Promise((r) => setTimeout(r, stall.ms));
    if (res.destroyed) return;
    const u = new URL(url, 'http://x');
    if (method === 'GET' && u.pathname === '/user') {
      return state.authenticatedAs
        ? send(res, 200, { login: state.authenticatedAs })
        : send(res, 403, { message: 'Resource not accessible by integration' });
    }
    const usage = /^\/repos\/([^/]+\/[^/]+)\/actions\/cache\/usage$/.exec(u.pathname);
    if (usage && method === 'GET') {
      return send(res, 200, {
        full_name: usage[1],
        active_caches_size_in_bytes: state.cacheUsage.bytes,
        active_caches_count: state.cacheUsage.count,
      });
    }
    let m = /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.exec(u.pathname);
    if (m && method === 'GET') {
      const perPage = Number(u.searchParams.get('per_page') ?? 30);
      const page = Number(u.searchParams.get('page') ?? 1);
      const items = state.comments.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(state.comments.length / perPage));
      const next = `http://${req.headers.host}${u.pathname}?per_page=${perPage}&page=${page + 1}`;
      const link: Record<string, string> = page < last ? { link: `<${next}>; rel="next"` } : {};
      return send(res, 200, items, link);
    }
    if (m && method === 'POST') {
      const comment = { id: nextId++, body: (body as { body: string }).body, user: { ...state.commenter } };
      state.comments.push(comment);
      return send(res, 201, comment);
    }
    m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(u.pathname);
    if (m && method === 'PATCH') {
      const comment = state.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      // As GitHub: a token edits its own comments (an admin's could edit others', which the action must never do).
      if (comment.user.login !== (state.authenticatedAs ?? state.commenter.login))
        state.violations.push(`${method} ${url}: edits a comment by ${comment.user.login}`);
      comment.body = (body as { body: string }).body;
      return send(res, 200, comment);
    }
    state.violations.push(`unexpected ${method} ${url}`);
    return send(res, 404, { message: 'Not Found' });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, { message: err.message }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
