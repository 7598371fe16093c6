// A local stand-in for GitHub's results service, the one behind ACTIONS_RESULTS_URL that
// @actions/artifact and @actions/cache (v2) talk to: twirp JSON for ArtifactService and
// CacheService, and Azure-Blob-style storage behind the signed URLs they hand out.
// Every twirp request is read with the packages' own generated protobuf message types, strictly
// (an unknown field or a wrong type is a violation), and answered through them.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rootDir } from './fixtures.js';

interface MessageType {
  typeName: string;
  fromJson(json: unknown, opts?: { ignoreUnknownFields?: boolean }): Record<string, unknown>;
  toJson(message: unknown): unknown;
  create(value?: Record<string, unknown>): unknown;
}
interface ServiceType {
  typeName: string;
  methods: { name: string; I: MessageType; O: MessageType }[];
}

export interface StoredArtifact {
  id: number;
  name: string;
  runId: string;
  jobId: string;
  blob: string;
  finalized: boolean;
  size: number;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  blob: string;
  finalized: boolean;
  sizeBytes: number;
}

export interface ResultsServer {
  /** ACTIONS_RESULTS_URL for the action. */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN for the action: an unsigned JWT with the run's Actions.Results scope. */
  token: string;
  artifacts: StoredArtifact[];
  caches: CacheEntry[];
  /** Twirp calls received, as `Service/Method`. */
  calls: string[];
  /** Requests that broke the protocol (bad route, auth, body); a test expects none. */
  violations: string[];
  /** Answer every twirp call of this service with this HTTP status (a service that is down). */
  failService: { artifact?: number; cache?: number };
  blob(name: string): Buffer | undefined;
  close(): Promise<void>;
}

const RUN_ID = 'b5c7e1a0-0000-4000-8000-000000000001';
const JOB_ID = 'b5c7e1a0-0000-4000-8000-000000000002';

/** A handler's refusal, answered as a twirp error with this HTTP status. */
class TwirpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

async function loadServices(): Promise<{ artifact: ServiceType; cache: ServiceType }> {
  // The packages export only their clients; their generated message types are read by path.
  const file = (p: string): string => pathToFileURL(join(rootDir, 'node_modules', '@actions', p)).href;
  const artifact = (await import(file('artifact/lib/generated/index.js'))) as { ArtifactService: ServiceType };
  const cache = (await import(file('cache/lib/generated/results/api/v1/cache.js'))) as { CacheService: ServiceType };
  return { artifact: artifact.ArtifactService, cache: cache.CacheService };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export async function startResultsServer(): Promise<ResultsServer> {
  const services = await loadServices();
  const blobs = new Map<string, Buffer>();
  const blocks = new Map<string, Map<string, Buffer>>();
  let nextId = 1;
  const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ scp: `Actions.GenericRead:1 Actions.Results:${RUN_ID}:${JOB_ID}` })}.`;
  const state = {
    url: '',
    token,
    artifacts: [] as StoredArtifact[],
    caches: [] as CacheEntry[],
    calls: [] as string[],
    violations: [] as string[],
    failService: {} as { artifact?: number; cache?: number },
  };

  const twirpError = (res: ServerResponse, status: number, code: string, msg: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, msg }));
  };
  const signed = (blob: string): string => `${state.url}/blob/devstoreaccount1/${blob}?sv=2023-11-03&sig=local`;

  type Handler = (req: Record<string, unknown>) => Record<string, unknown>;
  const handlers: Record<string, Handler> = {
    'ArtifactService/CreateArtifact': (r) => {
      if (r.workflowRunBackendId !== RUN_ID || r.workflowJobRunBackendId !== JOB_ID)
        state.violations.push(
          `CreateArtifact for run/job ${String(r.workflowRunBackendId)}/${String(r.workflowJobRunBackendId)}`,
        );
      // Names are unique within a run, across its attempts: the service answers 409 (what a re-run job meets).
      if (state.artifacts.some((a) => a.name === r.name && a.finalized))
        throw new TwirpFailure(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
      const a: StoredArtifact = {
        id: nextId++,
        name: String(r.name),
        runId: RUN_ID,
        jobId: JOB_ID,
        blob: `artifacts/${String(r.name)}.zip`,
        finalized: false,
        size: 0,
      };
      state.artifacts.push(a);
      return { ok: true, signedUploadUrl: signed(a.blob) };
    },
    'ArtifactService/FinalizeArtifact': (r) => {
      const a = state.artifacts.find((x) => x.name === r.name && !x.finalized);
      const data = a && blobs.get(a.blob);
      if (!a || !data) return { ok: false, artifactId: '0' };
      const hash = (r.hash as { value?: string } | undefined)?.value;
      if (Number(r.size) !== data.length)
        state.violations.push(`FinalizeArtifact size ${String(r.size)} != ${data.length}`);
      if (hash && hash !== `sha256:${createHash('sha256').update(data).digest('hex')}`)
        state.violations.push('FinalizeArtifact hash does not match the uploaded blob');
      a.finalized = true;
      a.size = data.length;
      return { ok: true, artifactId: String(a.id) };
    },
    'ArtifactService/ListArtifacts': (r) => {
      if (r.workflowRunBackendId !== RUN_ID)
        state.violations.push(`ListArtifacts for run ${String(r.workflowRunBackendId)}`);
      const name = (r.nameFilter as { value?: string } | undefined)?.value;
      const id = (r.idFilter as { value?: string } | undefined)?.value;
      const listed = state.artifacts.filter(
        (a) => a.finalized && (name === undefined || a.name === name) && (id === undefined || String(a.id) === id),
      );
      return {
        artifacts: listed.map((a) => ({
          workflowRunBackendId: a.runId,
          workflowJobRunBackendId: a.jobId,
          databaseId: String(a.id),
          name: a.name,
          size: String(a.size),
        })),
      };
    },
    'ArtifactService/DeleteArtifact': (r) => {
      const i = state.artifacts.findIndex(
        (a) => a.finalized && a.name === r.name && a.runId === r.workflowRunBackendId,
      );
      if (i < 0) throw new TwirpFailure(404, 'not_found', 'artifact not found');
      const [gone] = state.artifacts.splice(i, 1);
      blobs.delete(gone.blob);
      return { ok: true, artifactId: String(gone.id) };
    },
    'CacheService/CreateCacheEntry': (r) => {
      if (state.caches.some((c) => c.key === r.key && c.version === r.version))
        return { ok: false, signedUploadUrl: '', message: `cache entry ${String(r.key)} already exists` };
      const c: CacheEntry = {
        id: nextId++,
        key: String(r.key),
        version: String(r.version),
        blob: `caches/${nextId}`,
        finalized: false,
        sizeBytes: 0,
      };
      state.caches.push(c);
      return { ok: true, signedUploadUrl: signed(c.blob) };
    },
    'CacheService/FinalizeCacheEntryUpload': (r) => {
      const c = state.caches.find((x) => x.key === r.key && x.version === r.version && !x.finalized);
      const data = c && blobs.get(c.blob);
      if (!c || !data) return { ok: false, entryId: '0', message: 'no upload to finalize' };
      if (Number(r.sizeBytes) !== data.length)
        state.violations.push(`FinalizeCacheEntryUpload size ${String(r.sizeBytes)} != ${data.length}`);
      c.finalized = true;
      c.sizeBytes = data.length;
      return { ok: true, entryId: String(c.id), message: '' };
    },
    'CacheService/GetCacheEntryDownloadURL': (r) => {
      // As GitHub does: the exact key first, then for each restore key the newest entry it prefixes.
      const ready = state.caches.filter((c) => c.finalized && c.version === r.version);
      let hit = ready.find((c) => c.key === r.key);
      for (const prefix of (r.restoreKeys as string[] | undefined) ?? []) {
        if (hit) break;
        hit = ready.filter((c) => c.key.startsWith(prefix)).at(-1);
      }
      if (!hit) return { ok: false, signedDownloadUrl: '', matchedKey: '' };
      return { ok: true, signedDownloadUrl: signed(hit.blob), matchedKey: hit.key };
    },
  };

  const twirp = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const m = /^\/twirp\/github\.actions\.results\.api\.v1\.(ArtifactService|CacheService)\/(\w+)$/.exec(path);
    const service = m && (m[1] === 'ArtifactService' ? services.artifact : services.cache);
    const method = service?.methods.find((x) => x.name === m?.[2]);
    if (!m || !method || req.method !== 'POST') {
      state.violations.push(`unknown twirp route ${req.method} ${path}`);
      return twirpError(res, 404, 'bad_route', 'no such method');
    }
    const call = `${m[1]}/${m[2]}`;
    state.calls.push(call);
    if (req.headers.authorization !== `Bearer ${token}`) state.violations.push(`${call}: wrong Authorization`);
    if (!String(req.headers['content-type']).startsWith('application/json'))
      state.violations.push(`${call}: content-type ${String(req.headers['content-type'])}`);
    const failing = m[1] === 'ArtifactService' ? state.failService.artifact : state.failService.cache;
    if (failing) return twirpError(res, failing, 'unavailable', 'the service is down');
    let input: Record<string, unknown>;
    try {
      input = method.I.fromJson(JSON.parse((await readBody(req)).toString('utf8')), { ignoreUnknownFields: false });
    } catch (err) {
      state.violations.push(`${call}: body is not a ${method.I.typeName}: ${(err as Error).message}`);
      return twirpError(res, 400, 'malformed', (err as Error).message);
    }
    let answer: Record<string, unknown>;
    try {
      answer = handlers[call](input);
    } catch (err) {
      if (err instanceof TwirpFailure) return twirpError(res, err.status, err.code, err.message);
      throw err;
    }
    const output = method.O.create(answer);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(method.O.toJson(output)));
  };

  const blob = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const name = url.pathname.replace(/^\/blob\/devstoreaccount1\//, '');
    const headers = {
      'x-ms-request-id': String(nextId++),
      'x-ms-version': '2023-11-03',
      etag: `"0x${nextId.toString(16)}"`,
      'last-modified': new Date().toUTCString(),
    };
    if (url.searchParams.get('sig') !== 'local') state.violations.push(`blob ${name}: unsigned request`);
    if (req.method === 'PUT') {
      const body = await readBody(req);
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        const id = url.searchParams.get('blockid') ?? '';
        if (!blocks.has(name)) blocks.set(name, new Map());
        blocks.get(name)!.set(id, body);
      } else if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(
          (x) => x[1],
        );
        const staged = blocks.get(name) ?? new Map<string, Buffer>();
        const missing = ids.filter((id) => !staged.has(id));
        if (missing.length) {
          state.violations.push(`blob ${name}: block list names ${missing.length} unstaged block(s)`);
          res.writeHead(400, headers);
          return void res.end();
        }
        blobs.set(name, Buffer.concat(ids.map((id) => staged.get(id)!)));
        blocks.delete(name);
      } else if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
        blobs.set(name, body);
      } else {
        state.violations.push(`blob ${name}: PUT without comp or x-ms-blob-type`);
        res.writeHead(400, headers);
        return void res.end();
      }
      res.writeHead(201, headers);
      return void res.end();
    }
    const data = blobs.get(name);
    if (!data) {
      res.writeHead(404, { ...headers, 'x-ms-error-code': 'BlobNotFound' });
      return void res.end();
    }
    const range = /bytes=(\d+)-(\d*)/.exec(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''));
    const common = { ...headers, 'x-ms-blob-type': 'BlockBlob', 'accept-ranges': 'bytes' };
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
      const part = data.subarray(start, end + 1);
      res.writeHead(206, {
        ...common,
        'content-length': part.length,
        'content-range': `bytes ${start}-${end}/${data.length}`,
      });
      return void res.end(req.method === 'HEAD' ? undefined : part);
    }
    res.writeHead(200, { ...common, 'content-length': data.length });
    res.end(req.method === 'HEAD' ? undefined : data);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = url.pathname.startsWith('/twirp/') ? twirp(req, res, url.pathname) : blob(req, res, url);
    handle.catch((err: Error) => {
      state.violations.push(`server error: ${err.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    blob: (name: string) => blobs.get(name),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
