// The committed validator (src/model/report-validator.js) is the schema compiled ahead of time: it must be what
// scripts/gen-validator.mjs makes of the schema now, or an edit of the schema would not be enforced.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { rootDir } from '../support/fixtures.js';

test('src/model/report-validator.js matches a fresh compile of report.schema.json', () => {
  const r = spawnSync(process.execPath, [join(rootDir, 'scripts', 'gen-validator.mjs'), '--check'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 70_000);
