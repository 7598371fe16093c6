// Analysed reports for tests: the recorded node-app builds made the way the CLI makes them (src/cli.ts over the pipeline),
// and reports of any log and Dockerfile text.
import { createReadStream } from 'node:fs';
import { analyzeBuild } from '../../src/analysis/index.js';
import { analyzeLog } from '../../src/analyze-command.js';
import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import type { BuildReport, Thresholds } from '../../src/model/report.js';
import { fixture } from './fixtures.js';

export const NODE_APP_DOCKERFILE = fixture('dockerfiles', 'node-app', 'Dockerfile');

/**
 * The report of a recorded log (`fixtures/recorded/<log>`) against the node-app Dockerfile, with a baseline file.
 * Its re-runs cost 0.2 s: pass a time threshold such as `0s` to count them as regressions.
 */
export async function analyzeRecorded(
  log: string,
  baseline: string | null = null,
  timeThreshold: string | null = null,
): Promise<BuildReport> {
  const input = createReadStream(fixture('recorded', log));
  const opts = { file: log, dockerfile: NODE_APP_DOCKERFILE, format: 'json' as const, baseline, timeThreshold };
  return (await analyzeLog(input, opts)).report;
}

/** The analysed report of a log and its Dockerfile text (as `Dockerfile`), optionally against a baseline. */
export async function analyzeText(
  logText: string,
  dockerfileText: string,
  baseline?: BuildReport,
  thresholds?: Thresholds,
): Promise<BuildReport> {
  const parsed = parseDockerfile(dockerfileText);
  const r = buildReport(parseText(logText), { dockerfile: { path: 'Dockerfile', parsed, text: dockerfileText } });
  await analyzeBuild(r, {
    dockerfile: { path: 'Dockerfile', text: dockerfileText, parsed },
    contextDir: null,
    baseline,
    thresholds,
  });
  return r;
}

/** A generated plain log (bench/steps-gen.ts) as it reads when every step that ran had been cached. */
export function allCached(log: string): string {
  return log.replace(/^#(\d+) DONE \d+\.\ds$/gm, (m, n: string) => (m.includes('DONE 0.0s') ? m : `#${n} CACHED`));
}
