import { cacheInputs, parseCacheSpec } from '../../src/remote-cache/spec.js';
import { cacheErrorKind } from '../../src/remote-cache/errors.js';

describe('parseCacheSpec', () => {
  test.each([
    [
      '1 bare ref',
      'ghcr.io/o/app:cache',
      {
        type: 'registry',
        ref: 'ghcr.io/o/app:cache',
        scope: null,
        mode: 'min',
        ignoreError: false,
        text: 'type=registry,ref=ghcr.io/o/app:cache',
      },
    ],
    [
      '2 gha default scope',
      'type=gha',
      { type: 'gha', ref: null, scope: 'buildkit', mode: 'min', ignoreError: false, text: 'type=gha' },
    ],
    [
      '3 gha scope max',
      'type=gha,scope=api,mode=max,ignore-error=true',
      {
        type: 'gha',
        ref: null,
        scope: 'api',
        mode: 'max',
        ignoreError: true,
        text: 'type=gha,scope=api,mode=max,ignore-error=true',
      },
    ],
    [
      '4 token and url dropped',
      'type=gha,url=https://x/,token=SECRET,scope=a',
      { type: 'gha', ref: null, scope: 'a', mode: 'min', ignoreError: false, text: 'type=gha,scope=a' },
    ],
    [
      '5 s3 keys dropped',
      'type=s3,region=eu,bucket=b,name=app,access_key_id=AK,secret_access_key=SK',
      {
        type: 's3',
        ref: null,
        scope: 'app',
        mode: 'min',
        ignoreError: false,
        text: 'type=s3,name=app,bucket=b,region=eu',
      },
    ],
    [
      '6 inline',
      'type=inline',
      { type: 'inline', ref: null, scope: null, mode: 'min', ignoreError: false, text: 'type=inline' },
    ],
    [
      '7 quoted comma',
      'type=registry,"ref=r/a:b,c"',
      {
        type: 'registry',
        ref: 'r/a:b,c',
        scope: null,
        mode: 'min',
        ignoreError: false,
        text: 'type=registry,ref=r/a:b,c',
      },
    ],
    [
      '8 unknown type',
      'type=weird',
      { type: 'unknown', ref: null, scope: null, mode: 'min', ignoreError: false, text: 'type=weird' },
    ],
  ])('%s', (_name, value, expected) => {
    expect(parseCacheSpec(value)).toEqual(expected);
  });

  test('cacheInputs reads BUILDKIT_INLINE_CACHE from the build args and skips blank lines', () => {
    const inputs = cacheInputs(['', 'type=gha'], ['type=gha,mode=max'], 'api', ['BUILDKIT_INLINE_CACHE=1']);
    expect(inputs.from).toHaveLength(1);
    expect(inputs.inline).toBe(true);
    expect(inputs.reportId).toBe('api');
  });
});

describe('cacheErrorKind', () => {
  // Each line as a real log printed it (sources: fixtures/corpus/remote-cache/*.source.txt, and the threads named).
  test.each([
    [
      'legacy-service',
      'This legacy service is shutting down, effective April 15, 2025. Migrate to the new service ASAP.',
    ],
    [
      'docker-driver',
      'cache export feature is currently not supported for docker driver. Please switch to a different driver',
    ],
    ['docker-driver', 'failed to build: Cache export is not supported for the docker driver.'],
    // moby/buildkit#2325 (vterdunov, 2021-08-25)
    [
      'already-exists',
      'error writing layer blob: Cache already exists. Scope: refs/heads/master, Key: buildkit-blob-1-sha256:1e98',
    ],
    // Swatinem/rust-cache#244 (the same service answer through @actions/cache)
    [
      'reserve-failed',
      'Unable to reserve cache with key semver-preflight-93c4e40f0b737772, another job may be creating this cache.',
    ],
    ['throttled', 'error writing layer blob: failed to parse error response 429: {"message":"Request was blocked"}'],
    ['timeout', 'maximum timeout reached'],
    ['timeout', 'Post ".../CacheService/GetCacheEntryDownloadURL": dial tcp 140.82.112.21:443: i/o timeout'],
    // netresearch/timetracker#336 (2026-06-12)
    ['blob-not-found', 'error writing layer blob: not_found'],
    ['unauthorized', 'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized'],
    ['unauthorized', 'unexpected status from HEAD request: 403 Forbidden'],
    ['not-found', 'localhost:5516/bca/rc:nope: not found'],
    [
      'unreachable',
      'failed to do request: Head "http://localhost:5519/v2/bca/rc/manifests/main": dial tcp 127.0.0.1:5519: connect: connection refused',
    ],
    ['server-error', 'failed to parse error response 503: Service Unavailable'],
    ['other', 'something else entirely'],
  ])('%s: %s', (kind, line) => {
    expect(cacheErrorKind(line)).toBe(kind);
  });
});
