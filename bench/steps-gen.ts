// Builds at a given step count for the pipeline timing: a Dockerfile of `stages` stages chained by
// COPY --from, and the plain log BuildKit would print for it (a third cached, the rest ran with a few
// log lines), optionally under bake target and platform prefixes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StepsInput {
  name: string;
  dockerfile: string;
  log: string;
  steps: number;
}

export function writeSteps(
  outDir: string,
  steps: number,
  opts: { targets?: number; platforms?: string[] } = {},
): StepsInput {
  const stages = Math.max(1, Math.round(steps / 100));
  const perStage = Math.ceil(steps / stages);
  const lines: string[] = ['ARG VERSION=1'];
  const targets = opts.targets ?? 1;
  const platforms = opts.platforms ?? [];
  for (let s = 0; s < stages; s++) {
    const stage = ['', `FROM local/busybox:1 AS s${s}`, 'WORKDIR /app'];
    if (s > 0) stage.push(`COPY --from=s${s - 1} /app/out.txt ./prev.txt`);
    // FROM, WORKDIR and the COPY --from are numbered steps too.
    for (let i = stage.length - 1; i < perStage; i++) {
      stage.push(i % 10 === 0 ? `COPY src${i}/ ./src${i}/` : `RUN echo step ${i} >> out.txt && sleep 0`);
    }
    lines.push(...stage);
  }
  const dockerfileText = `${lines.join('\n')}\n`;
  // The log: number each stage's steps as BuildKit does (FROM is step 1).
  const out: string[] = [];
  let n = 1;
  const prefixes = Array.from({ length: targets }, (_, t) => (targets > 1 ? `t${t}` : null));
  const plats = platforms.length ? platforms : [null];
  let total = 0;
  let stageIndex = -1;
  const stageSteps: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('FROM')) {
      stageIndex++;
      stageSteps.push([line.replace(/ AS \S+$/, '').replace('local/busybox:1', 'docker.io/local/busybox:1')]);
    } else if (/^(RUN|COPY|WORKDIR)/.test(line) && stageIndex >= 0) stageSteps[stageIndex].push(line);
  }
  for (const target of prefixes) {
    for (const plat of plats) {
      stageSteps.forEach((instrs, s) => {
        instrs.forEach((text, i) => {
          const label = [target, plat, `s${s}`, `${i + 1}/${instrs.length}`].filter(Boolean).join(' ');
          out.push(`#${n} [${label}] ${text}`);
          if (i === 0) out.push(`#${n} DONE 0.0s`);
          else if ((n + s) % 3 === 0) out.push(`#${n} CACHED`);
          else {
            for (let k = 0; k < 3; k++) out.push(`#${n} 0.${k}12 working on ${text.slice(0, 30)} (${k})`);
            out.push(`#${n} DONE ${(0.1 + (n % 7) * 0.3).toFixed(1)}s`);
          }
          out.push('');
          n++;
          total++;
        });
      });
    }
  }
  const name = `steps-${steps}${targets > 1 ? `-bake${targets}` : ''}`;
  const dockerfile = join(outDir, `${name}.Dockerfile`);
  const log = join(outDir, `${name}.log`);
  writeFileSync(dockerfile, dockerfileText);
  writeFileSync(log, `#0 building with "default" instance using docker driver\n\n${out.join('\n')}\n`);
  return { name, dockerfile, log, steps: total };
}
