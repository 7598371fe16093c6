// One measured case in its own process, so peak RSS belongs to it alone:
// `node --import tsx bench/worker.ts <case> <file>` prints {seconds, bytes, lines, maxRssMB}.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { analyzeBuild } from '../src/analysis/index.js';
import { parseDockerfile } from '../src/dockerfile/parse.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { StringDecoder } from 'node:string_decoder';
import { buildReport } from '../src/pipeline/build-report.js';
import { createParser, parseFile } from '../src/progress/index.js';

type Case = 'floor-plain' | 'floor-rawjson' | 'parse-plain' | 'parse-rawjson' | 'auto' | 'pipeline';

/** The floor: read the file, decode, split lines (and JSON.parse each line for rawjson). */
async function floor(file: string, json: boolean): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (json) {
        try {
          JSON.parse(text.slice(start, nl));
        } catch {
          // non-JSON lines are part of the real streams
        }
      }
      lines++;
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  return lines;
}

async function parse(file: string, format: 'plain' | 'rawjson'): Promise<number> {
  const parser = createParser(format);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
  const parsed = parser.end();
  buildReport(parsed);
  return parsed.lines;
}

/** The whole CLI pipeline: parse, report with the Dockerfile, analysis, both renderings. */
async function pipeline(file: string, dockerfilePath: string): Promise<number> {
  const text = readFileSync(dockerfilePath, 'utf8');
  const parsed = parseDockerfile(text);
  const build = await parseFile(file);
  const report = buildReport(build, { dockerfile: { path: dockerfilePath, parsed, text } });
  await analyzeBuild(report, {
    dockerfile: { path: dockerfilePath, text, parsed },
    contextDir: null,
  });
  renderMarkdown(report);
  renderText(report);
  return report.steps.length;
}

async function main(): Promise<void> {
  const [which, file, extra] = process.argv.slice(2) as [Case, string, string];
  const started = process.hrtime.bigint();
  let lines: number;
  if (which === 'floor-plain') lines = await floor(file, false);
  else if (which === 'floor-rawjson') lines = await floor(file, true);
  else if (which === 'parse-plain') lines = await parse(file, 'plain');
  else if (which === 'parse-rawjson') lines = await parse(file, 'rawjson');
  else if (which === 'pipeline') lines = await pipeline(file, extra);
  else lines = (await parseFile(file)).lines;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const out = { seconds, bytes: statSync(file).size, lines, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
