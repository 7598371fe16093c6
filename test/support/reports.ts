// Reports of the recorded node-app builds, made the way the CLI makes them (src/analyze.ts).
import { createReadStream } from 'node:fs';
import { analyzeLog } from '../../src/analyze.js';
import type { BuildReport } from '../../src/model/report.js';
import { fixture } from './fixtures.js';

export const NODE_APP_DOCKERFILE = fixture('dockerfiles', 'node-app', 'Dockerfile');

/** The report of a recorded log (`fixtures/recorded/<log>`) against the node-app Dockerfile, with a baseline file. */
export async function analyzeRecorded(log: string, baseline: string | null = null): Promise<BuildReport> {
  const input = createReadStream(fixture('recorded', log));
  return (await analyzeLog(input, { file: log, dockerfile: NODE_APP_DOCKERFILE, format: 'json', baseline })).report;
}
