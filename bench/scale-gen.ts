// Synthetic inputs for the "linear in everything" cases (issue 13): a Dockerfile of N lines with the
// plain log of its build, a rawjson chain of N steps (each the input of the next), a rawjson build of
// N independent vertices, and a plain log whose step texts all differ from another's (a baseline
// whose texts changed).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineWriter } from './writer.js';

/** One stage's lines; every rule of thumb has something to say about it. 12 lines, 9 numbered steps. */
function stageLines(s: number): string[] {
  return [
    `FROM local/busybox:1 AS s${s}`,
    'ARG VERSION=1',
    'RUN apt-get update',
    'RUN apt-get install -y curl',
    'COPY . .',
    'RUN npm ci',
    'RUN echo "$VERSION" > /v',
    'ENV X=1',
    'RUN apk add git',
    'WORKDIR /app',
    `COPY src${s}/ ./src/`,
    'RUN make',
  ];
}

export interface DockerfileInput {
  dockerfile: string;
  log: string;
  lines: number;
  steps: number;
}

/** A Dockerfile of about `lines` lines (stages of 12) and the plain log BuildKit prints building it. */
export function writeDockerfileLines(outDir: string, lines: number): DockerfileInput {
  const stages = Math.max(1, Math.round(lines / 12));
  const text: string[] = [];
  const log: string[] = ['#0 building with "default" instance using docker driver', ''];
  let n = 1;
  for (let s = 0; s < stages; s++) {
    const stage = stageLines(s);
    text.push(...stage);
    const numbered = stage.filter((l) => /^(FROM|RUN|COPY|ADD|WORKDIR)\b/.test(l));
    numbered.forEach((inst, i) => {
      const printed = i === 0 ? 'FROM docker.io/local/busybox:1' : inst;
      log.push(`#${n} [s${s} ${i + 1}/${numbered.length}] ${printed}`);
      if (i === 0) log.push(`#${n} DONE 0.0s`);
      else if (n % 3 === 0) log.push(`#${n} CACHED`);
      else log.push(`#${n} 0.112 working`, `#${n} DONE ${(0.1 + (n % 7) * 0.3).toFixed(1)}s`);
      log.push('');
      n++;
    });
  }
  const dockerfile = join(outDir, `lines-${lines}.Dockerfile`);
  const logFile = join(outDir, `lines-${lines}.log`);
  writeFileSync(dockerfile, `${text.join('\n')}\n`);
  writeFileSync(logFile, `${log.join('\n')}\n`);
  return { dockerfile, log: logFile, lines: text.length, steps: n - 1 };
}

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;
const time = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString().replace('Z', '000000Z');

/**
 * A rawjson log of `steps` vertices. `chain`: each step is the input of the next and every step ran,
 * so the root-cause search sees one root with a cascade of all the others; otherwise the vertices are
 * independent, one stage of `steps` steps, a third cached.
 */
export async function writeRawjsonSteps(outDir: string, steps: number, chain: boolean): Promise<string> {
  const path = join(outDir, `rawjson-${chain ? 'chain' : 'flat'}-${steps}.rawjson`);
  const out = new LineWriter(path);
  for (let i = 1; i <= steps; i++) {
    const cached = !chain && i % 3 === 0;
    const vertex = {
      digest: digest(i),
      inputs: chain && i > 1 ? [digest(i - 1)] : [],
      name: i === 1 ? `[s 1/${steps}] FROM docker.io/local/busybox:1` : `[s ${i}/${steps}] RUN echo ${i}`,
      started: time(i * 10),
      completed: time(i * 10 + (cached ? 0 : 7)),
      ...(cached ? { cached: true } : {}),
    };
    if (out.line(JSON.stringify({ vertexes: [vertex] }))) await out.flush();
  }
  await out.close();
  return path;
}
