// Writes a large rawjson log from the real recordings: each copy rewrites every digest (so vertices
// stay distinct per copy, inputs still pointing at the right copy), and after the first `logs` record
// of each vertex that printed output adds many `logs` records of real output, base64 in `data`,
// several to a line, as a verbose build streams them.
import { createHash } from 'node:crypto';
import { LineWriter } from './writer.js';
import type { Chunker } from './log-payload.js';
import type { RawJsonSource } from './rawjson-source.js';

export interface RawJsonPlan {
  copies: number;
  /** Bytes of added `logs` records per vertex that printed output, per copy. */
  bytesPerSite: number;
}

export interface RawJsonResult {
  bytes: number;
  vertices: number;
  plan: RawJsonPlan;
  /** Lines by kind (a line may carry several kinds; counted by its first key). */
  composition: Record<string, { lines: number; bytes: number }>;
}

export function planRawJson(sources: RawJsonSource[], targetBytes: number, targetVertices: number): RawJsonPlan {
  const perCopy = sources.reduce((s, src) => s + src.vertices, 0);
  const copies = Math.max(1, Math.round(targetVertices / perCopy));
  const struct = sources.reduce((s, src) => s + src.bytes, 0);
  const sites = sources.reduce((s, src) => s + src.sites.length, 0);
  const bytesPerSite = Math.max(0, Math.ceil((targetBytes / copies - struct) / Math.max(sites, 1)));
  return { copies, bytesPerSite };
}

const DIGEST = /sha256:[0-9a-f]{64}/g;
const MAX_ENTRIES = 6;

export async function writeRawJson(
  path: string,
  sources: RawJsonSource[],
  targetBytes: number,
  plan: RawJsonPlan,
  chunker: Chunker,
): Promise<RawJsonResult> {
  const out = new LineWriter(path);
  const composition: RawJsonResult['composition'] = {};
  const count = (kind: string, bytes: number): void => {
    const c = (composition[kind] ??= { lines: 0, bytes: 0 });
    c.lines++;
    c.bytes += bytes;
  };
  let vertices = 0;
  let entries = 0;
  for (let copy = 0; copy < plan.copies || out.bytes < targetBytes; copy++) {
    const renamed = new Map<string, string>();
    const rename = (d: string): string => {
      let r = renamed.get(d);
      if (!r) {
        r = `sha256:${createHash('sha256').update(`${copy}:${d}`).digest('hex')}`;
        renamed.set(d, r);
      }
      return r;
    };
    for (const src of sources) {
      let site = 0;
      for (let i = 0; i < src.lines.length; i++) {
        const line = src.lines[i].replace(DIGEST, rename);
        if (out.line(line)) await out.flush();
        count(`recorded: ${/^\{"(\w+)"/.exec(line)?.[1] ?? 'other'}`, line.length + 1);
        for (; site < src.sites.length && src.sites[site].after === i; site++) {
          const { vertex, timestamp } = src.sites[site];
          const v = JSON.stringify(rename(vertex));
          const ts = JSON.stringify(timestamp);
          for (let written = 0; written < plan.bytesPerSite;) {
            const parts: string[] = [];
            const n = 1 + (entries % MAX_ENTRIES);
            for (let e = 0; e < n; e++, entries++) {
              const data = chunker.next().toString('base64');
              parts.push(`{"vertex":${v},"stream":1,"data":"${data}","timestamp":${ts}}`);
            }
            const logs = `{"logs":[${parts.join(',')}]}`;
            written += logs.length + 1;
            count('added: logs (base64 output)', logs.length + 1);
            if (out.line(logs)) await out.flush();
          }
        }
      }
      vertices += src.vertices;
    }
  }
  const bytes = await out.close();
  return { bytes, vertices, plan, composition };
}
