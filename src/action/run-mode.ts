import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommand, stageExtraArgs } from '../capture/args.js';
import { readMetadata } from '../capture/build-record.js';
import { detectCaps, type DockerCaps } from '../capture/detect.js';
import type { BuildInputs } from '../capture/inputs.js';
import { runBuild } from '../capture/run-build.js';
import { writeSecrets } from '../capture/secrets.js';
import type { Redactor } from '../model/redact.js';
import type { ParsedBuild } from '../progress/types.js';
import { createParser } from '../progress/index.js';

export interface CaptureOpts {
  inputs: BuildInputs;
  redactor: Redactor;
  /** Folder for the saved progress and the metadata file. */
  workDir: string;
  echo: (line: string) => void;
  warn: (message: string) => void;
}

export interface CaptureResponse {
  caps: DockerCaps;
  parsed: ParsedBuild;
  exitCode: number;
  buildSeconds: number;
  progressFile: string;
  args: string[];
  /** Image id from `--iidfile`, or the metadata file's digest. */
  image: string | null;
  /** Re-runs the same build for one stage, tagged, for measuring its size (no push, no cache export);
   *  null when that could rebuild (the build used --no-cache). */
  buildStage: ((stage: string, tag: string) => Promise<{ ok: boolean; text: string }>) | null;
}

/** Runs the user's build once and captures its progress; the exit status is kept, not thrown. */
export async function captureBuild(opts: CaptureOpts): Promise<CaptureResponse> {
  const { inputs } = opts;
  const caps = await detectCaps(inputs.docker);
  const secrets = await writeSecrets(inputs.secrets);
  try {
    const progressFile = join(opts.workDir, 'buildkit-progress.log');
    const metadataFile = join(opts.workDir, 'metadata.json');
    const iidFile = join(opts.workDir, 'iid');
    const command = buildCommand(inputs, caps, { secretArgs: secrets.args, metadataFile });
    command.args.splice(command.args.length - 1, 0, '--iidfile', iidFile);
    for (const what of command.ignored) opts.warn(`ignored ${what}`);
    const parser = createParser(command.progress);
    const run = await runBuild({
      docker: inputs.docker,
      command,
      progressFile,
      redactor: opts.redactor,
      // Plain progress carries no clock: each line is stamped as it arrives (as GitHub stamps job log
      // lines), which gives the steps start and end times. rawjson has BuildKit's own times.
      onProgress:
        command.progress === 'plain'
          ? (line) => parser.push(`${new Date().toISOString()} ${line}\n`)
          : (line) => parser.push(`${line}\n`),
      echo: opts.echo,
    });
    const iid = (await readFile(iidFile, 'utf8').catch(() => '')).trim();
    const metadata = caps.metadataFile ? await readMetadata(metadataFile).catch(() => null) : null;

    const buildStage = async (stage: string, tag: string) => {
      const stageSecrets = await writeSecrets(inputs.secrets);
      const dir = await mkdtemp(join(tmpdir(), 'bca-stage-'));
      try {
        const stageInputs: BuildInputs = {
          ...inputs,
          tags: [tag],
          push: false,
          load: caps.buildx,
          'cache-to': [],
          'extra-args': stageExtraArgs(inputs['extra-args']),
        };
        const cmd = buildCommand(
          stageInputs,
          { ...caps, rawjson: false },
          { secretArgs: stageSecrets.args, metadataFile: null },
          stage,
        );
        const lines: string[] = [];
        const r = await runBuild({
          docker: inputs.docker,
          command: cmd,
          progressFile: join(dir, 'progress.log'),
          redactor: opts.redactor,
          onProgress: (line) => lines.push(line),
          echo: () => {},
        });
        return { ok: r.exitCode === 0, text: lines.join('\n') };
      } finally {
        await stageSecrets.cleanup();
        await rm(dir, { recursive: true, force: true });
      }
    };

    return {
      caps,
      parsed: parser.end(),
      exitCode: run.exitCode,
      buildSeconds: run.seconds,
      progressFile,
      args: command.args,
      image: iid || metadata?.configDigest || null,
      buildStage: inputs['extra-args'].includes('--no-cache') ? null : buildStage,
    };
  } finally {
    await secrets.cleanup();
  }
}
