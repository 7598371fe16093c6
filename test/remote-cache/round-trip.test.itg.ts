// A real remote cache round trip: Debian's docker-registry on localhost and a dockerd of the tests' own
// (.ci/remote-cache-up.sh), so emptying the builder cache touches no one else's builds. BuildKit 0.8 (the
// docker driver here) exports inline caches only: build with BUILDKIT_INLINE_CACHE=1, push, empty the builder,
// rebuild with --cache-from, and read what happened from the real log.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { cacheInputs } from '../../src/remote-cache/index.js';
import type { BuildReport } from '../../src/model/report.js';
import { fixture } from '../support/fixtures.js';
import {
  RC_REGISTRY,
  RC_REGISTRY_DOWN,
  emptyBuilder,
  rcBuildPlain,
  rcBuildRawjson,
  rcPush,
  remoteCacheUp,
} from '../support/remote-cache.js';

const up = remoteCacheUp();
const suite = up.ok || process.env.CI ? describe : describe.skip;
const REF = `${RC_REGISTRY}/bca-itg/app:${process.pid}`;
const LOCAL = `bca-itg-app:${process.pid}`;

/** Builds on a busy 2-core machine: generous, explicit deadlines. */
const TIMEOUT = 300_000;

function analyse(log: string, from: string[]): BuildReport {
  return buildReport(parseText(log), { cacheInputs: cacheInputs(from, []) });
}

suite('remote cache round trip (docker-registry, inline cache)', () => {
  let context: string;

  beforeAll(async () => {
    if (!up.ok) throw new Error(`remote cache set-up failed: ${up.message}`);
    context = mkdtempSync(join(tmpdir(), 'bca-rc-itg-'));
    cpSync(fixture('dockerfiles', 'remote-cache'), context, { recursive: true });
    emptyBuilder([REF, LOCAL]);
    const first = await rcBuildPlain({ context, tag: REF, inlineCache: true });
    if (first.exitCode !== 0) throw new Error(`first build failed:\n${first.log}`);
    rcPush(REF);
  }, TIMEOUT);

  afterAll(() => {
    if (context) rmSync(context, { recursive: true, force: true });
    if (up.ok) emptyBuilder([REF, LOCAL]);
  }, TIMEOUT);

  test(
    'an empty builder with --cache-from: the import vertex, every step it served, their times',
    async () => {
      emptyBuilder([REF, LOCAL]);
      const build = await rcBuildPlain({ context, tag: LOCAL, cacheFrom: [REF] });
      expect(build.exitCode).toBe(0);
      const r = analyse(build.log, [REF]);
      expect(r.failed).toBe(false);
      const rc = r.remoteCache!;
      expect(rc.imports).toEqual([
        expect.objectContaining({ ref: REF, backend: 'registry', input: `type=registry,ref=${REF}`, outcome: 'ok' }),
      ]);
      expect(rc.imports[0].seconds).toBeGreaterThanOrEqual(0);
      expect(rc.importSeconds).toBe(rc.imports[0].seconds);
      const cacheable = r.steps.filter((s) => s.status !== 'source');
      expect(cacheable.length).toBe(8);
      expect(cacheable.every((s) => s.status === 'cached')).toBe(true);
      expect([...rc.served.steps].sort()).toEqual(cacheable.map((s) => s.id).sort());
      expect(rc.served.evidence).toBe('layers-pulled');
      expect(rc.diagnoses).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    'the same through the Engine API as rawjson: absolute times for the import',
    async () => {
      emptyBuilder([LOCAL]);
      const build = await rcBuildRawjson({ context, tag: LOCAL, cacheFrom: [REF] });
      expect(build.exitOk).toBe(true);
      const r = analyse(build.rawjson, [REF]);
      const rc = r.remoteCache!;
      expect(rc.imports[0]).toEqual(expect.objectContaining({ ref: REF, outcome: 'ok' }));
      expect(rc.imports[0].seconds).toBeGreaterThan(0);
      expect(rc.imports[0].seconds!).toBeLessThan(r.totals.wallSeconds!);
      expect(rc.served.steps).toHaveLength(8);
    },
    TIMEOUT,
  );

  test(
    'a wrong ref: the import fails, BuildKit carries on, the build is not failed',
    async () => {
      emptyBuilder([LOCAL]);
      const wrong = `${RC_REGISTRY}/bca-itg/app:nope-${process.pid}`;
      const build = await rcBuildPlain({ context, tag: LOCAL, cacheFrom: [wrong] });
      expect(build.exitCode).toBe(0);
      const r = analyse(build.log, [wrong]);
      expect(r.failed).toBe(false);
      expect(r.complete).toBe(true);
      expect(r.remoteCache!.imports[0]).toEqual(
        expect.objectContaining({ ref: wrong, outcome: 'error', errorKind: 'not-found', error: `${wrong}: not found` }),
      );
      expect(r.remoteCache!.served.steps).toEqual([]);
      expect(r.steps.filter((s) => s.status === 'ran')).toHaveLength(8);
      expect(r.remoteCache!.diagnoses.map((d) => d.kind)).toEqual(['import-failed']);
    },
    TIMEOUT,
  );

  test(
    'a registry that is down: unreachable, and the build still passes',
    async () => {
      emptyBuilder([LOCAL]);
      const down = `${RC_REGISTRY_DOWN}/bca-itg/app:${process.pid}`;
      const build = await rcBuildPlain({ context, tag: LOCAL, cacheFrom: [down] });
      expect(build.exitCode).toBe(0);
      const r = analyse(build.log, [down]);
      expect(r.failed).toBe(false);
      expect(r.remoteCache!.imports[0]).toEqual(
        expect.objectContaining({ outcome: 'error', errorKind: 'unreachable' }),
      );
      expect(r.remoteCache!.diagnoses[0].message).toContain('could not be reached');
    },
    TIMEOUT,
  );
});
