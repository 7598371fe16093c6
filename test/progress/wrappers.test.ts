// The lines tools around BuildKit write (GitHub Actions, build-push-action, compose, buildx, Docker
// Desktop), the build's final error in every client's wording, encodings, and internal vertices.
import { createParser, parseText } from '../../src/progress/index.js';
import { DECODE_BYTES } from '../../src/util/lines.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { sniffEncoding } from '../../src/util/decode.js';
import { readFixture } from '../support/fixtures.js';

const NOW = new Date(0);

function report(log: string | Uint8Array) {
  return buildReport(parseText(log), { now: NOW });
}

const SUCCESS = [
  '#0 building with "default" instance using docker driver',
  '',
  '#1 [internal] load build definition from Dockerfile',
  '#1 transferring dockerfile: 99B done',
  '#1 DONE 0.0s',
  '',
  '#2 [1/3] FROM docker.io/library/alpine:3',
  '#2 DONE 0.0s',
  '',
  '#3 [2/3] WORKDIR /app',
  '#3 CACHED',
  '',
  '#4 [3/3] RUN echo hi',
  '#4 0.210 hi',
  '#4 DONE 0.3s',
  '',
  '#5 exporting to image',
  '#5 exporting layers done',
  '#5 DONE 0.0s',
  '',
];

describe('wrapper lines are not broken input', () => {
  const clean = report(SUCCESS.join('\n'));

  test('a GitHub Actions log download: blank lines are bare timestamps', () => {
    let ms = Date.parse('2026-07-23T09:29:00Z');
    const stamp = () => new Date((ms += 100)).toISOString().replace('Z', '0000Z');
    const log = SUCCESS.map((l) => (l === '' ? stamp() : `${stamp()} ${l}`)).join('\n');
    const r = report(log);
    expect(r.problems).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual(clean.steps.map((s) => [s.id, s.status]));
    expect(r.totals.wallSeconds).not.toBeNull();
  });

  test('runner preamble, groups, metadata, Docker Desktop and compose lines around the build', () => {
    const log = [
      'Run docker/build-push-action@v6',
      '##[group]Run docker/build-push-action@v6',
      'with:',
      '  push: false',
      '##[endgroup]',
      '[command]/usr/bin/docker buildx build --iidfile /tmp/iid --progress plain .',
      ...SUCCESS.slice(0, 10),
      '##[group]Inner fold',
      '##[endgroup]',
      ...SUCCESS.slice(10),
      'View build details: docker-desktop://dashboard/build/desktop-linux/desktop-linux/as4fkzf6f2483oltfv95xp6sh',
      '##[group]Metadata',
      '{',
      '  "buildx.build.ref": "builder/builder0/x"',
      '}',
      '##[endgroup]',
      ' Image app Built',
      '[+] Running 2/2',
      ' ✔ Network app_default  Created',
    ].join('\n');
    const r = report(log);
    expect(r.problems).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.failed).toBe(false);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual(clean.steps.map((s) => [s.id, s.status]));
  });

  test('`Error: buildx failed with:` is the build error when the log lost its own', () => {
    const log = [
      ...SUCCESS.slice(0, 11),
      '#4 [3/3] RUN false',
      '#4 ERROR: process did not complete successfully: exit code: 1',
      '',
      '##[error]buildx failed with: ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
    ].join('\n');
    const r = report(log);
    expect(r.problems).toEqual([]);
    expect(r.failed).toBe(true);
    expect(r.errors[0]).toMatch(/^failed to solve: process/);
  });

  test('garbage between blocks is still a problem', () => {
    const r = report([...SUCCESS.slice(0, 6), 'garbage <img src=x>', ...SUCCESS.slice(6)].join('\n'));
    expect(r.problems[0].message).toMatch(/^not BuildKit progress: /);
  });
});

describe('the final error', () => {
  test('`ERROR: failed to build: failed to solve:` right after a vertex log line', () => {
    const log = [
      ...SUCCESS.slice(0, 11),
      '#4 [3/3] RUN npm ci',
      '#4 12.30 npm http fetch GET 200 https://registry.npmjs.org/x 500ms',
      'ERROR: failed to build: failed to solve: Unavailable: error reading from server: EOF',
    ].join('\n');
    const r = report(log);
    expect(r.failed).toBe(true);
    expect(r.errors).toEqual(['failed to build: failed to solve: Unavailable: error reading from server: EOF']);
    expect(r.steps.find((s) => s.index === 3)!.logTail).toEqual([
      'npm http fetch GET 200 https://registry.npmjs.org/x 500ms',
    ]);
  });

  test.each([
    'failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: RUNN',
    'failed to solve with frontend dockerfile.v0: failed to read dockerfile: open /var/lib/docker/tmp/buildkit-mount1/Dockerfile: no such file or directory',
    'error: failed to solve: executor failed running [/bin/sh -c false]: exit code: 1',
    "ERROR: Service 'api' failed to build : Build failed",
    'ERROR: target api: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1',
  ])('%s', (line) => {
    const r = report([...SUCCESS.slice(0, 6), line].join('\n'));
    expect(r.failed).toBe(true);
    expect(r.problems).toEqual([]);
    expect(line).toContain(r.errors[0]);
  });
});

describe('encodings', () => {
  const text = SUCCESS.join('\r\n');
  const clean = JSON.stringify(report(SUCCESS.join('\n')));
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();
  const cases: [string, Buffer][] = [
    ['UTF-16LE with BOM (PowerShell 5.1 tee)', Buffer.concat([Buffer.from([0xff, 0xfe]), le])],
    ['UTF-16LE without BOM', le],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), be])],
    ['UTF-16BE without BOM', be],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ];
  test.each(cases)('%s, whole and in 1 to 7 byte pieces', (_, bytes) => {
    expect(JSON.stringify(report(bytes))).toBe(clean);
    for (const size of [1, 2, 3, 7]) {
      const parser = createParser();
      for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
      expect(JSON.stringify(buildReport(parser.end(), { now: NOW }))).toBe(clean);
    }
  });

  test('a read larger than the 64 KiB decoded at a time, a character cut at each piece', () => {
    // 10,000 log lines of 2- and 3-byte characters, read whole and in small chunks: UTF-8 log lines are read as bytes
    // and only the kept ones decoded, UTF-16 is decoded 64 KiB at a time; a character that straddles a piece's end
    // must come out whole either way. (The splitter's own 64 KiB decoding: test/util/utf8-lines.test.ts.)
    const many = Array.from({ length: 10_000 }, (_, i) => `#4 ${(i / 1000).toFixed(3)} é${'…'.repeat(i % 7)}ü`);
    const logOf = (pad: number) =>
      [...SUCCESS.slice(0, 14), `#4 0.000 ${'x'.repeat(pad)}`, ...many, ...SUCCESS.slice(14)].join('\n');
    // Padded until a character straddles the end of the first piece.
    const pad = [0, 1, 2].find((p) => (Buffer.from(logOf(p))[DECODE_BYTES] & 0xc0) === 0x80)!;
    const log = logOf(pad);
    const bytes = Buffer.from(log);
    expect(bytes.length).toBeGreaterThan(3 * DECODE_BYTES);
    const whole = createParser();
    whole.push(bytes);
    const small = createParser();
    for (let i = 0; i < bytes.length; i += 1000) small.push(bytes.subarray(i, i + 1000));
    const expected = JSON.stringify(buildReport(small.end(), { now: NOW }));
    expect(JSON.stringify(buildReport(whole.end(), { now: NOW }))).toBe(expected);
    expect(expected).toContain(many[9999].slice('#4 9.999 '.length));
    for (const utf16 of [Buffer.from(`\ufeff${log}`, 'utf16le'), Buffer.from(`\ufeff${log}`, 'utf16le').swap16()]) {
      const parser = createParser();
      parser.push(utf16);
      expect(JSON.stringify(buildReport(parser.end(), { now: NOW }))).toBe(expected);
    }
  });

  test('a text chunk with a BOM', () => {
    expect(JSON.stringify(report(`\ufeff${text}`))).toBe(clean);
  });

  test('sniffing', () => {
    expect(sniffEncoding(Buffer.from('#1 [')).encoding).toBe('utf8');
    expect(sniffEncoding(Buffer.from('#1', 'utf16le')).encoding).toBe('utf16le');
    expect(sniffEncoding(Buffer.from('é#1 ')).encoding).toBe('utf8');
  });
});

describe('internal vertices are not Dockerfile steps', () => {
  test.each([
    '[api] resolving provenance for metadata file',
    'resolving provenance for metadata file',
    '[api] exporting to image',
    'exporting to oci image format',
    'exporting to docker image format',
    'exporting attestation manifest sha256:1234',
    'exporting manifest list sha256:1234',
    'pushing layers',
    'pushing manifest for docker.io/library/app:latest@sha256:1234',
    '[auth] library/node:pull token for registry-1.docker.io',
    '[api auth] sharing credentials for ghcr.io',
    'resolve image config for docker-image://docker.io/docker/dockerfile:1',
    'docker-image://docker.io/docker/dockerfile:1@sha256:ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021',
    '[internal] load local bake definitions',
    'load local bake definitions',
    '[internal] booting buildkit',
    'importing cache manifest from ghcr.io/o/app:cache',
    'exporting cache to registry',
    'exporting to GitHub Actions Cache',
    '[linux/amd64 internal] load metadata for docker.io/library/alpine:3',
  ])('%s', (name) => {
    const r = report([...SUCCESS.slice(0, 9), `#9 ${name}`, '#9 DONE 0.1s', ''].join('\n'));
    expect(r.steps.map((s) => s.name)).not.toContain(name);
    expect(r.totals.steps).toBe(1);
  });

  test('cache import and export vertices keep their own roles', () => {
    const parsed = parseText(
      [
        '#1 importing cache manifest from gha:123',
        '#1 DONE 0.2s',
        '',
        '#2 exporting cache to registry',
        '#2 DONE 1.0s',
        '',
      ].join('\n'),
    );
    expect(parsed.vertices.map((v) => v.role)).toEqual(['cache-import', 'cache-export']);
  });

  test('a compose service seen only in its bookkeeping vertices is a target, not a stage', () => {
    const log = [
      '#1 [api internal] load build definition from Dockerfile',
      '#1 DONE 0.0s',
      '',
      '#2 [api builder 1/2] FROM docker.io/library/node:20',
      '#2 DONE 0.0s',
      '',
      '#3 [api builder 2/2] RUN npm ci',
      '#3 CACHED',
      '',
      '#4 [migrate 2/2] RUN npm run migrate',
      '#4 DONE 1.0s',
      '',
      '#5 [migrate] resolving provenance for metadata file',
      '#5 DONE 0.0s',
      '',
      '#6 [api] resolving provenance for metadata file',
      '#6 DONE 0.0s',
      '',
    ].join('\n');
    const r = report(log);
    expect(r.steps.map((s) => [s.target, s.stage])).toEqual([
      ['api', 'builder'],
      ['api', 'builder'],
      ['migrate', null],
    ]);
    expect(r.totals).toMatchObject({ steps: 3, cachedRatio: 0.5 });
  });
});

test('the corpus log of a custom frontend lists no frontend image', () => {
  const r = report(readFixture('corpus', 'plain-bake-custom-frontend-nix-docker-container-load.log'));
  expect(r.steps.some((s) => s.name.startsWith('docker-image://'))).toBe(false);
});
