// Records the remote-cache fixtures (fixtures/recorded/remote-cache-*): an inline cache pushed to Debian's
// docker-registry and imported by an empty builder, plain and rawjson, on the engine of
// .ci/remote-cache-up.sh.  Run: `npx tsx scripts/record-remote-cache.ts` (as root).
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RC_REGISTRY,
  RC_REGISTRY_DOWN,
  emptyBuilder,
  rcBuildPlain,
  rcBuildRawjson,
  rcDocker,
  rcPush,
  remoteCacheUp,
  type RcBuildOptions,
} from '../test/support/remote-cache.js';

const OUT = 'fixtures/recorded';
const SOURCE = 'fixtures/dockerfiles/remote-cache';
const CACHE_REF = `${RC_REGISTRY}/bca/rc:main`;
const PLAIN_REF = `${RC_REGISTRY}/bca/no-cache-metadata:1`;

async function record(name: string, format: 'plain' | 'rawjson', opts: RcBuildOptions): Promise<void> {
  if (format === 'plain') {
    const r = await rcBuildPlain(opts);
    writeFileSync(join(OUT, `remote-cache-${name}.plain.log`), r.log);
    console.log(`${name} plain: exit ${r.exitCode}`);
  } else {
    const r = await rcBuildRawjson(opts);
    writeFileSync(join(OUT, `remote-cache-${name}.rawjson`), `${r.rawjson}\n`);
    console.log(`${name} rawjson: ${r.exitOk ? 'ok' : `error ${r.error}`}`);
  }
}

async function main(): Promise<void> {
  const up = remoteCacheUp();
  if (!up.ok) throw new Error(up.message);
  const context = mkdtempSync(join(tmpdir(), 'bca-rc-'));
  cpSync(SOURCE, context, { recursive: true });
  const edited = mkdtempSync(join(tmpdir(), 'bca-rc-edit-'));
  cpSync(SOURCE, edited, { recursive: true });
  appendFileSync(join(edited, 'app.txt'), 'main v2\n');
  // An image without cache metadata: importing it succeeds and serves nothing.
  rcDocker(['tag', 'local/busybox:1', PLAIN_REF]);
  rcPush(PLAIN_REF);
  try {
    for (const format of ['plain', 'rawjson'] as const) {
      emptyBuilder([CACHE_REF, 'bca-rc:local']);
      await record('export-inline', format, { context, tag: CACHE_REF, inlineCache: true });
      rcPush(CACHE_REF);
      emptyBuilder([CACHE_REF, 'bca-rc:local']);
      await record('import-hit', format, { context, tag: 'bca-rc:local', cacheFrom: [CACHE_REF] });
      emptyBuilder(['bca-rc:local']);
      await record('import-edit', format, { context: edited, tag: 'bca-rc:local', cacheFrom: [CACHE_REF] });
      emptyBuilder(['bca-rc:local']);
      await record('import-wrong-ref', format, {
        context,
        tag: 'bca-rc:local',
        cacheFrom: [`${RC_REGISTRY}/bca/rc:nope`],
      });
      emptyBuilder(['bca-rc:local']);
      await record('import-registry-down', format, {
        context,
        tag: 'bca-rc:local',
        cacheFrom: [`${RC_REGISTRY_DOWN}/bca/rc:main`],
      });
      emptyBuilder(['bca-rc:local']);
      await record('import-no-metadata', format, { context, tag: 'bca-rc:local', cacheFrom: [PLAIN_REF] });
    }
  } finally {
    rmSync(context, { recursive: true, force: true });
    rmSync(edited, { recursive: true, force: true });
  }
}

await main();
