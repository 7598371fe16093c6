// What an image is, for telling whether an edit changed it: its files (path, type, size, mode,
// owner, link target; never mtimes) from `docker export` of a container that is never started, and
// the config a container runs with (entrypoint, cmd, env, workdir, user, ports, volumes, labels).
import { spawn } from 'node:child_process';
import { lastLine, runDocker } from '../capture/docker-cli.js';
import { TarLister, type TarEntry } from './tar-list.js';

export interface ImageConfig {
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: string[];
  workdir: string;
  user: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string;
}

export interface ImageSnapshot {
  files: TarEntry[];
  config: ImageConfig;
}

/** Files the engine adds to every container it creates: not the image's. */
const CONTAINER_FILES = new Set(['.dockerenv', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf']);

/** The wire shape of `docker image inspect`'s `.Config` (upstream casing), the fields compared. */
interface ConfigJson {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
}

export function parseConfig(json: ConfigJson | null): ImageConfig {
  const c = json ?? {};
  return {
    entrypoint: c.Entrypoint ?? null,
    cmd: c.Cmd ?? null,
    env: c.Env ?? [],
    workdir: c.WorkingDir ?? '',
    user: c.User ?? '',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
    volumes: Object.keys(c.Volumes ?? {}).sort(),
    labels: c.Labels ?? {},
    stopSignal: c.StopSignal ?? '',
  };
}

function exportFiles(docker: string, container: string, timeoutMs: number): Promise<TarEntry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(docker, ['export', container], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const lister = new TarLister();
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => lister.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(lister.end());
      else reject(new Error(`docker export failed: ${lastLine(stderr) || `exit ${code}`}`));
    });
  });
}

/** Reads an image of the local store; throws with the docker CLI's reason. */
export async function snapshotImage(docker: string, ref: string, timeoutMs = 300_000): Promise<ImageSnapshot> {
  const inspect = await runDocker(docker, ['image', 'inspect', '--format', '{{json .Config}}', ref]);
  if (inspect.status !== 0) throw new Error(`docker image inspect ${ref}: ${lastLine(inspect.stderr)}`);
  const config = parseConfig(JSON.parse(inspect.stdout) as ConfigJson | null);
  // An argument is given so that an image without CMD or ENTRYPOINT can be created too; it never runs.
  const created = await runDocker(docker, ['create', ref, 'bca-verify-never-started']);
  if (created.status !== 0) throw new Error(`docker create ${ref}: ${lastLine(created.stderr)}`);
  const container = created.stdout.trim();
  try {
    const files = await exportFiles(docker, container, timeoutMs);
    return { files: files.filter((f) => !CONTAINER_FILES.has(f.path)), config };
  } finally {
    await runDocker(docker, ['rm', '-f', container]);
  }
}

const MAX_DIFFERENCES = 20;

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

/**
 * How `after` differs from `before`, one line each, config first; files by path (mtimes never
 * count). Capped at 20 lines, the last saying how many more.
 */
export function imageDifferences(before: ImageSnapshot, after: ImageSnapshot): string[] {
  const out: string[] = [];
  const a = before.config;
  const b = after.config;
  const fields: [string, unknown, unknown][] = [
    ['entrypoint', a.entrypoint, b.entrypoint],
    ['cmd', a.cmd, b.cmd],
    ['workdir', a.workdir, b.workdir],
    ['user', a.user, b.user],
    ['exposed ports', a.exposedPorts, b.exposedPorts],
    ['volumes', a.volumes, b.volumes],
    ['stop signal', a.stopSignal, b.stopSignal],
  ];
  for (const [name, x, y] of fields) if (show(x) !== show(y)) out.push(`${name}: ${show(x)} → ${show(y)}`);
  const envOf = (env: string[]) => new Map(env.map((e) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)]));
  const envA = envOf(a.env);
  const envB = envOf(b.env);
  for (const k of [...new Set([...envA.keys(), ...envB.keys()])].sort()) {
    if (envA.get(k) === envB.get(k)) continue;
    if (!envB.has(k)) out.push(`env ${k}: removed`);
    else if (!envA.has(k)) out.push(`env ${k}: added`);
    else out.push(`env ${k}: changed`);
  }
  for (const k of [...new Set([...Object.keys(a.labels), ...Object.keys(b.labels)])].sort())
    if (a.labels[k] !== b.labels[k])
      out.push(`label ${k}: ${show(a.labels[k] ?? null)} → ${show(b.labels[k] ?? null)}`);

  const filesA = new Map(before.files.map((f) => [f.path, f]));
  const filesB = new Map(after.files.map((f) => [f.path, f]));
  const fileLines: string[] = [];
  for (const path of [...new Set([...filesA.keys(), ...filesB.keys()])].sort()) {
    const x = filesA.get(path);
    const y = filesB.get(path);
    if (!y) fileLines.push(`/${path}: missing with the edit`);
    else if (!x) fileLines.push(`/${path}: added by the edit`);
    else {
      const what: string[] = [];
      if (x.type !== y.type) what.push(`${x.type} → ${y.type}`);
      if (x.size !== y.size) what.push(`size ${x.size} → ${y.size} bytes`);
      if (x.mode !== y.mode) what.push(`mode ${octal(x.mode)} → ${octal(y.mode)}`);
      if (x.uid !== y.uid || x.gid !== y.gid) what.push(`owner ${x.uid}:${x.gid} → ${y.uid}:${y.gid}`);
      if (x.link !== y.link) what.push(`link ${show(x.link)} → ${show(y.link)}`);
      if (what.length) fileLines.push(`/${path}: ${what.join(', ')}`);
    }
  }
  // Not `push(...fileLines)`: a rebuilt dependency tree can differ in 100,000s of files, past V8's argument limit.
  for (const line of fileLines) out.push(line);
  if (out.length <= MAX_DIFFERENCES) return out;
  return [...out.slice(0, MAX_DIFFERENCES - 1), `… and ${out.length - MAX_DIFFERENCES + 1} more differences`];
}
