// `tsx bench/generate.ts [--mb 210] [--vertices 2000] [--force]`: writes the benchmark inputs into
// bench/out/ (gitignored) from the real logs, or reuses them when a previous run made the same thing
// (same size, same vertex count, same source logs and generator code).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Chunker, payloadText } from './log-payload.js';
import { planPlain, writePlain, type Composition } from './plain-gen.js';
import { plainSourceFiles, readPlainSource } from './plain-source.js';
import { copyPrefix } from './prefix.js';
import { planRawJson, writeRawJson } from './rawjson-gen.js';
import { rawJsonSourceFiles, readRawJsonSource } from './rawjson-source.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH_DIR);
export const OUT_DIR = join(BENCH_DIR, 'out');
export const MB = 1e6;
/** Prefix sizes (MB) written besides the full files, to show memory does not grow with input size. */
export const PREFIX_MB = [1, 100];
// Files whose change changes the output: a new version of any of them forces a new generation.
const GENERATOR_FILES = [
  'generate.ts',
  'plain-source.ts',
  'plain-gen.ts',
  'rawjson-source.ts',
  'rawjson-gen.ts',
  'log-payload.ts',
  'prefix.ts',
  'writer.ts',
];

export interface InputFile {
  format: 'plain' | 'rawjson';
  /** `full`, or the prefix size such as `1MB`. */
  scale: string;
  path: string;
  bytes: number;
}

export interface Manifest {
  key: string;
  targetBytes: number;
  targetVertices: number;
  files: InputFile[];
  plain: { sources: string[]; vertices: number; plan: object; composition: Composition };
  rawjson: { sources: string[]; vertices: number; plan: object; composition: Composition };
}

export interface GenerateOptions {
  targetMB?: number;
  targetVertices?: number;
  force?: boolean;
  log?: (line: string) => void;
}

function keyOf(files: string[], targetBytes: number, targetVertices: number): string {
  const h = createHash('sha256').update(`${targetBytes}/${targetVertices}\n`);
  for (const f of files) h.update(f).update('\0').update(readFileSync(f));
  return h.digest('hex');
}

function reusable(manifestPath: string, key: string): Manifest | null {
  if (!existsSync(manifestPath)) return null;
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (m.key !== key) return null;
  const intact = m.files.every((f) => existsSync(f.path) && statSync(f.path).size === f.bytes);
  return intact ? m : null;
}

export async function generate(opts: GenerateOptions = {}): Promise<Manifest> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const targetBytes = Math.round((opts.targetMB ?? 210) * MB);
  const targetVertices = opts.targetVertices ?? 2000;
  const plainFiles = plainSourceFiles(ROOT);
  const rawFiles = rawJsonSourceFiles(ROOT);
  const key = keyOf(
    [...plainFiles, ...rawFiles, ...GENERATOR_FILES.map((f) => join(BENCH_DIR, f))],
    targetBytes,
    targetVertices,
  );
  const manifestPath = join(OUT_DIR, 'manifest.json');
  const previous = opts.force ? null : reusable(manifestPath, key);
  if (previous) {
    for (const f of previous.files)
      log(`reusing ${rel(f.path)} (${(f.bytes / MB).toFixed(1)} MB, same size and sources)`);
    return previous;
  }
  mkdirSync(OUT_DIR, { recursive: true });

  const plainSources = plainFiles.map(readPlainSource);
  const plainPath = join(OUT_DIR, 'plain.log');
  const t0 = performance.now();
  const plain = await writePlain(
    plainPath,
    plainSources,
    targetBytes,
    planPlain(plainSources, targetBytes, targetVertices),
  );
  log(
    `generated ${rel(plainPath)}: ${(plain.bytes / MB).toFixed(1)} MB, ${plain.vertices} vertices, ` +
      `${plain.plan.copies} copies of ${plainSources.length} logs, log runs x${plain.plan.logRepeat} ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );

  const rawSources = rawFiles.map(readRawJsonSource);
  const rawPath = join(OUT_DIR, 'rawjson.rawjson');
  const t1 = performance.now();
  const raw = await writeRawJson(
    rawPath,
    rawSources,
    targetBytes,
    planRawJson(rawSources, targetBytes, targetVertices),
    new Chunker(payloadText(plainSources)),
  );
  log(
    `generated ${rel(rawPath)}: ${(raw.bytes / MB).toFixed(1)} MB, ${raw.vertices} vertices, ` +
      `${raw.plan.copies} copies of ${rawSources.length} recordings, ${raw.plan.bytesPerSite} B of added logs per ` +
      `printing vertex (${((performance.now() - t1) / 1000).toFixed(1)} s)`,
  );

  const files: InputFile[] = [];
  for (const [format, path, bytes] of [
    ['plain', plainPath, plain.bytes],
    ['rawjson', rawPath, raw.bytes],
  ] as const) {
    for (const mb of PREFIX_MB) {
      const to = path.replace(/(\.\w+)$/, `-${mb}mb$1`);
      files.push({ format, scale: `${mb}MB`, path: to, bytes: copyPrefix(path, to, mb * MB) });
    }
    files.push({ format, scale: 'full', path, bytes });
  }
  const manifest: Manifest = {
    key,
    targetBytes,
    targetVertices,
    files,
    plain: { sources: plainFiles.map(rel), vertices: plain.vertices, plan: plain.plan, composition: plain.composition },
    rawjson: { sources: rawFiles.map(rel), vertices: raw.vertices, plan: raw.plan, composition: raw.composition },
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export function rel(path: string): string {
  return path.startsWith(ROOT + '/') ? path.slice(ROOT.length + 1) : path;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const m = await generate({
    targetMB: arg('mb') ? Number(arg('mb')) : undefined,
    targetVertices: arg('vertices') ? Number(arg('vertices')) : undefined,
    force: process.argv.includes('--force'),
  });
  for (const [kind, c] of Object.entries({ plain: m.plain.composition, rawjson: m.rawjson.composition })) {
    console.log(`\n${kind} composition:`);
    const total = m.files.find((f) => f.format === kind && f.scale === 'full')!.bytes;
    for (const [k, v] of Object.entries(c)) {
      console.log(
        `  ${k.padEnd(52)} ${String(v.lines).padStart(10)} lines ${((100 * v.bytes) / total).toFixed(1).padStart(5)}% of bytes`,
      );
    }
  }
}
