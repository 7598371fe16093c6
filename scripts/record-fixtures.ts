// Records one set of real BuildKit progress logs into fixtures/recorded/, in plain and rawjson,
// for every scenario phase of test/support/scenarios.ts plus the failing build.
// Needs the engine from .ci/docker-up.sh. Run: npx tsx scripts/record-fixtures.ts
// It prunes the daemon's whole build cache before each scenario (cold must be cold).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseImagePresent, dockerAvailable, dockerServerVersion } from '../test/support/docker.js';
import { copyContext, record, recordScenario, removeImages, type Format } from '../test/support/run-phases.js';
import { FAILING, REPO_ROOT, SCENARIOS } from '../test/support/scenarios.js';

const OUT = join(REPO_ROOT, 'fixtures/recorded');
const FORMATS: Format[] = ['plain', 'rawjson'];

if (!dockerAvailable() || !baseImagePresent()) {
  console.error('record-fixtures: no Docker engine or no local/busybox:1; run .ci/docker-up.sh (as root) first');
  process.exit(1);
}

mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (/\.(plain\.log|rawjson)$/.test(f)) rmSync(join(OUT, f));

const failErrors: string[] = [];
for (const s of SCENARIOS) {
  for (const format of FORMATS) {
    const rs = await recordScenario(s, format, OUT);
    for (const r of rs) console.log(`recorded ${r.file}`);
  }
}
for (const format of FORMATS) {
  const context = copyContext(FAILING.name);
  const tag = `bca-itg/${FAILING.name}:${format}`;
  try {
    const r = await record(FAILING.name, 'fail', format, { context, tag }, OUT);
    if (r.ok) throw new Error(`${FAILING.name} was expected to fail (${format})`);
    if (r.error) failErrors.push(`\`${format}\`: ${r.error}`);
    console.log(`recorded ${r.file}`);
  } finally {
    removeImages([tag]);
    rmSync(context, { recursive: true, force: true });
  }
}

const readme = `# Recorded BuildKit progress logs

Real builds of the scenarios in \`fixtures/dockerfiles/\`, written by \`scripts/record-fixtures.ts\`
(\`npx tsx scripts/record-fixtures.ts\`, after \`.ci/docker-up.sh\`). Do not edit them by hand; re-record.

- Engine: Docker ${dockerServerVersion()} (Debian's docker.io, BuildKit 0.8 built in), \`dockerd --iptables=false\`,
  overlay2, base image \`local/busybox:1\` imported from busybox-static.
- Recorded: ${new Date().toISOString()}.
- \`*.plain.log\`: \`DOCKER_BUILDKIT=1 /usr/bin/docker build --progress=plain -f <ctx>/Dockerfile -t <tag> [--build-arg K=V] <ctx>\`,
  stderr and stdout together.
- \`*.rawjson\`: the same build through the Engine API (\`POST /v1.41/build?version=2&t=<tag>&dockerfile=Dockerfile[&buildargs=<json>]\`,
  body a tar of the context); each \`moby.buildkit.trace\` message's protobuf StatusResponse written as one JSON line the
  way \`buildx --progress=rawjson\` prints client.SolveStatus (see \`test/support/buildkit-status.ts\`). Only progress lines:
  the API's error message is not part of the file (buildx would add a final \`ERROR:\` line). Through the API the
  context vertex is \`[internal] load remote build context\` followed by \`copy /context /\`; there is no
  \`load build definition\` / \`load .dockerignore\`.

Phases, per scenario (each format's sequence starts from \`docker builder prune -af\`):

- \`cold\`: empty build cache. \`warm\`: the same build again.
- \`edit\`: after appending a line to one source file (node-app: \`src/util.js\`; arg-shared: \`assets/b.txt\`).
- \`arg\` (arg-shared): after that, with \`--build-arg GREETING=bonjour\` (default \`hello\`).
- \`failing-run-fail\`: \`RUN ... exit 3\` at step 3 of 4.

Error messages the API returned for the failing build:

${failErrors.map((e) => `- ${e}`).join('\n')}
`;
writeFileSync(join(OUT, 'README.md'), readme);
console.log(`wrote ${join(OUT, 'README.md')}`);
