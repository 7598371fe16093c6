// Runs a scenario's phases in order against one context copy and saves each progress log.
// One format per call: a phase is "warm" or "edited" relative to the build before it, so the
// plain and the rawjson sequences each start from an empty build cache.
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlain, docker, pruneBuildCache, type BuildOptions } from './docker.js';
import { buildRawjson } from './record-rawjson.js';
import { DOCKERFILES_DIR, type Phase, type Scenario } from './scenarios.js';

export type Format = 'plain' | 'rawjson';

export interface Recorded {
  phase: string;
  format: Format;
  /** The progress log as the tool would read it. */
  text: string;
  /** Where it was saved. */
  file: string;
  ok: boolean;
  /** The build's error message (rawjson: from the API; plain: null, it is inside the log). */
  error: string | null;
}

export const fileName = (scenario: string, phase: string, format: Format): string =>
  `${scenario}-${phase}.${format === 'plain' ? 'plain.log' : 'rawjson'}`;

/** One build in one format; the log is saved to outDir. */
export async function record(
  scenario: string,
  phase: string,
  format: Format,
  opts: BuildOptions,
  outDir: string,
): Promise<Recorded> {
  const file = join(outDir, fileName(scenario, phase, format));
  let out: Omit<Recorded, 'file'>;
  if (format === 'plain') {
    const r = await buildPlain(opts);
    out = { phase, format, text: r.log, ok: r.exitCode === 0, error: null };
  } else {
    const r = await buildRawjson(opts);
    out = { phase, format, text: r.rawjson + '\n', ok: r.exitOk, error: r.error };
  }
  writeFileSync(file, out.text);
  return { ...out, file };
}

/** Prunes the build cache, then builds every phase of the scenario in order. Throws if a build fails. */
export async function recordScenario(s: Scenario, format: Format, outDir: string): Promise<Recorded[]> {
  const context = copyContext(s.name);
  const tags: string[] = [];
  const results: Recorded[] = [];
  let buildArgs: Record<string, string> = {};
  try {
    pruneBuildCache();
    for (const phase of s.phases as Phase[]) {
      if (phase.edit) applyEdit(context, phase.edit);
      if (phase.buildArgs) buildArgs = { ...buildArgs, ...phase.buildArgs };
      const tag = `bca-itg/${s.name}:${format}-${phase.name}`;
      tags.push(tag);
      const r = await record(s.name, phase.name, format, { context, tag, buildArgs }, outDir);
      if (!r.ok) throw new Error(`${s.name} ${phase.name} (${format}) failed: ${r.error ?? r.text.slice(-2000)}`);
      results.push(r);
    }
    return results;
  } finally {
    removeImages(tags);
    rmSync(context, { recursive: true, force: true });
  }
}

/** Best-effort cleanup of the images the builds tagged (the build cache is what the tests need). */
export function removeImages(tags: string[]): void {
  if (tags.length) docker(['rmi', '-f', ...tags]);
}

/** A private copy of a scenario's context, so edits never touch the fixtures. */
export function copyContext(name: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, `bca-${name}-`));
  cpSync(join(DOCKERFILES_DIR, name), dir, { recursive: true });
  return dir;
}

/** The edit a phase makes: a line appended to one copied file, which changes its content checksum. */
export function applyEdit(context: string, file: string): void {
  appendFileSync(join(context, file), `// edited ${new Date().toISOString()}\n`);
}
