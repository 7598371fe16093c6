// Reads the real rawjson recordings (fixtures/recorded/*.rawjson: Engine-API builds written as buildx
// `--progress=rawjson` prints client.SolveStatus) and finds where verbose output would go: right after
// the first `logs` record of each vertex that printed output.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LogSite {
  /** Index of the line after which extra `logs` records are written. */
  after: number;
  vertex: string;
  timestamp: string;
}

export interface RawJsonSource {
  file: string;
  lines: string[];
  sites: LogSite[];
  /** Distinct vertex digests: the vertices one copy of this recording adds. */
  vertices: number;
  bytes: number;
}

export function rawJsonSourceFiles(root: string): string[] {
  const dir = join(root, 'fixtures/recorded');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rawjson'))
    .sort()
    .map((f) => join(dir, f));
}

interface Wire {
  vertexes?: { digest?: string }[];
  logs?: { vertex?: string; timestamp?: string }[];
}

export function readRawJsonSource(file: string): RawJsonSource {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const digests = new Set<string>();
  const withSite = new Set<string>();
  const sites: LogSite[] = [];
  lines.forEach((line, i) => {
    const msg = JSON.parse(line) as Wire;
    for (const v of msg.vertexes ?? []) if (v.digest) digests.add(v.digest);
    for (const l of msg.logs ?? []) {
      if (!l.vertex || withSite.has(l.vertex)) continue;
      withSite.add(l.vertex);
      sites.push({ after: i, vertex: l.vertex, timestamp: l.timestamp ?? '' });
    }
  });
  return { file, lines, sites, vertices: digests.size, bytes: Buffer.byteLength(text) };
}
