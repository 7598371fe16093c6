// detectCaps against real CLIs: Debian's docker 20.10 (no buildx: its `buildx build --help` prints docker's own
// usage and exits 0), the docker 28 client here (no buildx either, and too new to build without it), and the
// stand-in buildx of test/support/fake-buildx. Needs .ci/docker-up.sh's engine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectCaps } from '../../src/capture/detect.js';
import { describeWithDocker, DOCKER, dockerAvailable, dockerServerVersion } from '../support/docker.js';
import { rootDir } from '../support/fixtures.js';
import { jest } from '@jest/globals';

// Starts docker CLI processes (the stand-in buildx through tsx): a budget for a busy machine.
jest.setTimeout(120_000);

const describeDocker = describeWithDocker(dockerAvailable());
const FAKE_BUILDX = join(rootDir, 'test', 'support', 'fake-buildx', 'docker');
const DOCKER_28 = '/usr/local/bin/docker';

describeDocker('detectCaps', () => {
  test('docker 20.10 without buildx: `docker build`, plain progress, and the daemon’s version', async () => {
    await expect(detectCaps(DOCKER)).resolves.toEqual({
      buildx: false,
      rawjson: false,
      metadataFile: false,
      serverVersion: dockerServerVersion(),
    });
  });

  test('buildx: rawjson and --metadata-file, read from its build help', async () => {
    await expect(detectCaps(FAKE_BUILDX)).resolves.toEqual({
      buildx: true,
      rawjson: true,
      metadataFile: true,
      serverVersion: dockerServerVersion(),
    });
  });

  (existsSync(DOCKER_28) ? test : test.skip)('docker 28 without buildx: a clear error, before any build', async () => {
    await expect(detectCaps(DOCKER_28)).rejects.toThrow(
      /has no buildx, and Docker 23\+ builds with BuildKit only through buildx/,
    );
  });
});
