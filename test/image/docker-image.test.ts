import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerImages, parseHistory, parseInspect } from '../../src/image/docker-image.js';
import { fixture, readFixture } from '../support/fixtures.js';

describe('parseHistory', () => {
  test('real `docker history` JSON lines: oldest first, exact bytes, inferred empty layers', () => {
    const entries = parseHistory(readFixture('image', 'sizes-chain', 'final.history.jsonl'));
    expect(entries).toEqual([
      { createdBy: '', sizeBytes: 1985512, emptyLayer: false, comment: 'Imported from -' },
      { createdBy: 'WORKDIR /app', sizeBytes: 0, emptyLayer: false, comment: 'buildkit.dockerfile.v0' },
      { createdBy: 'ENV APP_HOME=/app', sizeBytes: 0, emptyLayer: true, comment: 'buildkit.dockerfile.v0' },
      { createdBy: 'ARG FILL=5', sizeBytes: 0, emptyLayer: true, comment: 'buildkit.dockerfile.v0' },
      {
        createdBy: 'COPY files/ ./files/ # buildkit',
        sizeBytes: 18,
        emptyLayer: false,
        comment: 'buildkit.dockerfile.v0',
      },
      {
        createdBy:
          'RUN |1 FILL=5 /bin/sh -c dd if=/dev/zero of=/app/fill.bin bs=1M count=$FILL 2>/dev/null && ls -l /app/fill.bin # buildkit',
        sizeBytes: 5242880,
        emptyLayer: false,
        comment: 'buildkit.dockerfile.v0',
      },
      { createdBy: 'LABEL stage=base', sizeBytes: 0, emptyLayer: true, comment: 'buildkit.dockerfile.v0' },
      { createdBy: 'ARG VERSION', sizeBytes: 0, emptyLayer: true, comment: 'buildkit.dockerfile.v0' },
      {
        createdBy: 'RUN |1 VERSION=1 /bin/sh -c echo "$VERSION" > version.txt && cat files/*.txt > all.txt # buildkit',
        sizeBytes: 20,
        emptyLayer: false,
        comment: 'buildkit.dockerfile.v0',
      },
      {
        createdBy: 'COPY /tool.txt /tool.bin ./ # buildkit',
        sizeBytes: 307205,
        emptyLayer: false,
        comment: 'buildkit.dockerfile.v0',
      },
      { createdBy: 'USER root', sizeBytes: 0, emptyLayer: true, comment: 'buildkit.dockerfile.v0' },
      { createdBy: 'CMD ["cat" "/app/all.txt"]', sizeBytes: 0, emptyLayer: true, comment: 'buildkit.dockerfile.v0' },
    ]);
  });

  test.each([
    ['not json', 'a `docker history` line is not JSON'],
    // What the CLI prints without --human=false: a rounded size, which must never pass for bytes.
    ['{"CreatedBy":"x","Size":"5.24MB","Comment":""}', "a `docker history` size is not a byte count ('5.24MB')"],
  ])('%#: bad output is a reason, not entries', (stdout, reason) => {
    expect(parseHistory(stdout)).toBe(reason);
  });
});

describe('parseInspect', () => {
  test('real `docker image inspect` JSON: id, size, layers, platform', () => {
    const r = parseInspect('img', readFixture('image', 'sizes-chain', 'final.inspect.json'));
    expect(r).toMatchObject({ available: true, sizeBytes: 7535635, platform: 'linux/amd64' });
    expect(r.available && r.layers).toHaveLength(6);
    expect(r.available && r.id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test.each([
    ['[]', 'image img is not available locally (`docker image inspect` gave no Size)'],
    ['', 'image img is not available locally (`docker image inspect` printed no JSON)'],
  ])('%#: bad output is "not available"', (stdout, reason) => {
    expect(parseInspect('img', stdout)).toEqual({ available: false, reason });
  });
});

describe('dockerImages', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bca-fake-docker-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A docker CLI stand-in: records its arguments, prints a file, exits with a status. */
  function fakeDocker(body: string): string {
    const path = join(dir, 'docker');
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > ${join(dir, 'args')}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }
  const args = () => readFileSync(join(dir, 'args'), 'utf8').trim().split('\n');

  test('history: the exact arguments, no shell between (a ref with spaces stays one argument)', async () => {
    const docker = fakeDocker(`cat ${fixture('image', 'sizes-scratch', 'data.history.jsonl')}`);
    const r = await dockerImages(docker).history('my image:1');
    expect(args()).toEqual(['history', '--no-trunc', '--human=false', '--format', '{{json .}}', 'my image:1']);
    expect(r).toEqual({
      available: true,
      entries: [
        {
          createdBy: 'COPY data/blob.txt /data/blob.txt # buildkit',
          sizeBytes: 2271,
          emptyLayer: false,
          comment: 'buildkit.dockerfile.v0',
        },
      ],
    });
  });

  test('inspect and remove: the arguments, and a failure as the last stderr line', async () => {
    const docker = fakeDocker('echo "Error: No such image: x:1" >&2; exit 1');
    await expect(dockerImages(docker).inspect('x:1')).resolves.toEqual({
      available: false,
      reason: 'image x:1 is not available locally (Error: No such image: x:1)',
    });
    expect(args()).toEqual(['image', 'inspect', '--format', '{{json .}}', 'x:1']);
    await expect(dockerImages(docker).remove('x:1')).resolves.toBe('Error: No such image: x:1');
    expect(args()).toEqual(['image', 'rm', 'x:1']);
  });

  test('a CLI that hangs is stopped at the timeout and said so', async () => {
    const docker = fakeDocker('exec sleep 5');
    await expect(dockerImages(docker, 200).inspect('x:1')).resolves.toEqual({
      available: false,
      reason: 'image x:1 is not available locally (`docker image inspect` timed out)',
    });
  });

  test('a CLI that does not exist', async () => {
    await expect(dockerImages(join(dir, 'none')).history('x:1')).resolves.toEqual({
      available: false,
      reason: `image x:1 is not available locally (the docker CLI '${join(dir, 'none')}' was not found)`,
    });
  });
});
