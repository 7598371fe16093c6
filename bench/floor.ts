// `node <bundled floor.ts> plain|rawjson <file>` (bench/worker-bundle.ts): the floor (bench/floor-lines.ts) as a
// program alone, none of the tool's code loaded. Its whole process is what the whole CLI process is compared with
// (bench/scale.ts): both pay Node's own start. Prints {seconds, bytes, lines, maxRssMB} like bench/worker.ts.
import { statSync } from 'node:fs';
import { floor } from './floor-lines.js';

const [format, file] = process.argv.slice(2);
const started = process.hrtime.bigint();
const lines = await floor(file, format === 'rawjson');
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ seconds, bytes: statSync(file).size, lines, maxRssMB })}\n`);
