// Metadata files as buildx and bake write them (shapes from the buildx docs: bake nests the build's keys per target).
import { metadataFrom } from '../../src/capture/build-record.js';

const build = {
  'buildx.build.ref': 'builder/builder0/abc123',
  'containerimage.digest': 'sha256:aaa',
  'image.name': 'app:ci',
};
const bake = {
  api: { 'buildx.build.ref': 'builder/builder0/api1', 'containerimage.digest': 'sha256:111' },
  worker: { 'buildx.build.ref': 'builder/builder0/wrk2', 'containerimage.digest': 'sha256:222' },
  'buildx.build.warnings': [],
};

test('buildx build: the keys at the top', () => {
  expect(metadataFrom(build)).toMatchObject({ ref: 'builder/builder0/abc123', imageName: 'app:ci' });
});

test('bake: the named target, whatever its place', () => {
  expect(metadataFrom(bake, 'worker')).toMatchObject({ ref: 'builder/builder0/wrk2', imageDigest: 'sha256:222' });
  expect(metadataFrom(bake, 'api').ref).toBe('builder/builder0/api1');
});

test('bake with one target needs no name', () => {
  expect(metadataFrom({ app: bake.api }).ref).toBe('builder/builder0/api1');
});

test('bake with several targets and none named, or a wrong name: a clear error, never a guess', () => {
  expect(() => metadataFrom(bake)).toThrow("the bake metadata holds 2 targets (api, worker): set the 'target' input");
  expect(() => metadataFrom(bake, 'web')).toThrow("the bake metadata has no target 'web' (it has api, worker)");
});

test('a file without any build key gives no ref', () => {
  expect(metadataFrom({}).ref).toBeNull();
  expect(metadataFrom([1, 2]).ref).toBeNull();
});
