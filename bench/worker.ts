// One measured case in its own process, so peak RSS belongs to it alone:
// `node <bundled worker.ts> <case> <file>` (bench/worker-bundle.ts) prints {seconds, bytes, lines, maxRssMB}.
import { statSync } from 'node:fs';
import { analyzeLog } from '../src/analyze-command.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { buildReport } from '../src/pipeline/build-report.js';
import { createParser, parseFile } from '../src/progress/index.js';
import { writeJsonFile } from '../src/util/json-stream.js';
import { readLog } from '../src/util/read-log.js';
import { floor } from './floor-lines.js';

type Case =
  'floor-plain' | 'floor-rawjson' | 'parse-plain' | 'parse-rawjson' | 'auto' | 'pipeline' | 'report-json' | 'calibrate';

async function parse(file: string, format: 'plain' | 'rawjson'): Promise<number> {
  const parser = createParser(format);
  for await (const chunk of readLog(file)) parser.push(chunk as Buffer);
  const parsed = parser.end();
  buildReport(parsed);
  return parsed.lines;
}

/**
 * The whole pipeline as the CLI runs it (src/cli.ts over src/pipeline/): parse, report, Dockerfile,
 * analysis (graph, root causes, suggestions, the comparison with a baseline when given), then the
 * text and the markdown renderings.
 */
async function pipeline(file: string, dockerfile: string | null, baseline: string | null): Promise<number> {
  const { report } = await analyzeLog(readLog(file), {
    file,
    dockerfile,
    baseline,
    format: 'text',
  });
  renderMarkdown(report);
  renderText(report);
  return report.steps.length;
}

/** The JSON report of a log (a baseline for another run), written to `out`. */
async function reportJson(file: string, out: string): Promise<number> {
  const { report } = await analyzeLog(readLog(file), {
    file,
    dockerfile: null,
    format: 'json',
  });
  await writeJsonFile(out, report);
  return report.steps.length;
}

/**
 * A fixed workload of the tool's kind (building strings, maps, objects, a sort, JSON) that runs none of its code:
 * this machine's speed at that moment. Its time moves with the machine, not with a change, so rows measured beside
 * it read against it (this machine's speed moves 10–20 % from run to run and more from day to day).
 */
function calibrate(): number {
  const firstSeen = new Map<string, number>();
  const items: { id: string; n: number; text: string }[] = [];
  for (let i = 0; i < 60_000; i++) {
    const text = `#${i % 997} ${(i / 1000).toFixed(3)} step ${i} of the build`;
    const head = text.slice(0, text.indexOf(' '));
    if (!firstSeen.has(head)) firstSeen.set(head, i);
    items.push({ id: `stage-${i % 31}#${i}`, n: (i * 7919) % 1013, text });
  }
  items.sort((a, b) => a.n - b.n || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const copy = JSON.parse(JSON.stringify(items)) as unknown[];
  return copy.length + firstSeen.size;
}

async function main(): Promise<void> {
  const [which, file, extra, more] = process.argv.slice(2) as [Case, string, string?, string?];
  const started = process.hrtime.bigint();
  let lines: number;
  if (which === 'floor-plain') lines = await floor(file, false);
  else if (which === 'floor-rawjson') lines = await floor(file, true);
  else if (which === 'parse-plain') lines = await parse(file, 'plain');
  else if (which === 'parse-rawjson') lines = await parse(file, 'rawjson');
  else if (which === 'pipeline') lines = await pipeline(file, extra || null, more || null);
  else if (which === 'report-json') lines = await reportJson(file, extra!);
  else if (which === 'calibrate') lines = calibrate();
  else lines = (await parseFile(file)).lines;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const out = {
    seconds,
    bytes: file ? statSync(file).size : 0,
    lines,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
