// Records the webapp scenario (test/support/scenarios.ts WEBAPP) into fixtures/recorded/webapp/: the plain
// logs the golden files (test/golden/) are made from. It prunes the engine's build cache first, so point it
// at an engine of your own, never a shared one:
//   DOCKER_HOST=unix:///tmp/i14-docker.sock npx tsx scripts/record-webapp.ts
// (a dockerd started with its own --data-root, --exec-root, --pidfile and -H, with local/busybox:1 loaded).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseImagePresent, dockerServerVersion } from '../test/support/docker.js';
import { recordScenario } from '../test/support/run-phases.js';
import { REPO_ROOT, WEBAPP } from '../test/support/scenarios.js';

if (!process.env.DOCKER_HOST) {
  console.error('record-webapp: set DOCKER_HOST to an engine of your own (this script prunes its build cache)');
  process.exit(1);
}
if (!baseImagePresent()) {
  console.error('record-webapp: local/busybox:1 is not on that engine (docker save | docker load it)');
  process.exit(1);
}
const OUT = join(REPO_ROOT, 'fixtures/recorded/webapp');
mkdirSync(OUT, { recursive: true });
for (const r of await recordScenario(WEBAPP, 'plain', OUT)) console.log(`recorded ${r.file}`);
writeFileSync(
  join(OUT, 'README.md'),
  `# The webapp scenario, recorded for the golden files

Real builds of \`fixtures/dockerfiles/webapp/\`, written by \`scripts/record-webapp.ts\` on a private engine (its build
cache pruned first, so \`cold\` is cold). Do not edit them by hand; re-record.

- Engine: Docker ${dockerServerVersion()} (Debian's docker.io, BuildKit 0.8 built in), \`dockerd --iptables=false
  --bridge=none\` with its own data root, overlay2, base image \`local/busybox:1\` (busybox-static, \`docker import\`).
- Recorded: ${new Date().toISOString()}.
- \`*.plain.log\`: \`DOCKER_BUILDKIT=1 /usr/bin/docker build --progress=plain -f <ctx>/Dockerfile -t <tag>
  [--build-arg K=V] <ctx>\`, stderr and stdout together, one context copy for all phases, in this order:
  - \`cold\`: empty build cache; \`warm\`: the same build again (all cached);
  - \`edit\`: a line appended to \`src/util.js\`; \`manifest\`: then a line appended to \`package.json\`;
  - \`arg\`: then \`--build-arg APP_VERSION=1.2.0\` (default \`dev\`).
`,
);
