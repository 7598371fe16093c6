import { parseDockerfile } from '../../src/dockerfile/parse.js';
import { notAllCached, temporaryTag, withStageImage } from '../../src/image/stage-build.js';
import type { ImageReader } from '../../src/image/types.js';
import { readFixture } from '../support/fixtures.js';

const dockerfile = parseDockerfile(readFixture('dockerfiles', 'sizes-chain', 'Dockerfile'));

describe('notAllCached', () => {
  test.each([
    ['a recorded stage build, all CACHED', readFixture('image', 'sizes-chain', 'tools.stage.plain.log'), null],
    [
      'the same with --no-cache',
      readFixture('image', 'sizes-chain', 'tools.nocache.plain.log'),
      'would rebuild: 1 step(s) not in the build cache',
    ],
    [
      'no progress at all',
      'ERROR: something\n',
      'the stage build printed no BuildKit progress: nothing proves it was all cached',
    ],
  ])('%s', (_name, text, expected) => {
    expect(notAllCached(text)).toBe(expected);
  });
});

describe('temporaryTag', () => {
  test('a valid, random tag under the repository', () => {
    expect(temporaryTag('build')).toMatch(/^buildkit-cache-analytics-stage:build-[0-9a-f]{8}$/);
    expect(temporaryTag('a/b c', 'repo')).toMatch(/^repo:a-b-c-[0-9a-f]{8}$/);
    expect(temporaryTag('x')).not.toBe(temporaryTag('x'));
  });
});

describe('withStageImage', () => {
  function reader(removeAnswer: string | null): ImageReader & { removed: string[] } {
    const removed: string[] = [];
    return {
      removed,
      inspect: async () => ({ available: false, reason: 'unused' }),
      history: async () => ({ available: false, reason: 'unused' }),
      remove: async (tag) => {
        removed.push(tag);
        return removeAnswer;
      },
    };
  }

  test('a failed build that tagged nothing: no image read, no warning for the missing tag', async () => {
    const images = reader('Error: No such image: t:1');
    let used = false;
    const r = await withStageImage(
      { images, dockerfile, stage: 'tools', tag: 't:1', buildStage: async () => ({ ok: false, text: '' }) },
      async () => (used = true),
    );
    expect(r).toEqual({
      result: { ok: false, reason: 'the stage build printed no BuildKit progress: nothing proves it was all cached' },
      cleanup: null,
    });
    expect(used).toBe(false);
    expect(images.removed).toEqual(['t:1']);
  });

  test('an all-cached build: the tag is used, then removed', async () => {
    const images = reader(null);
    const text = readFixture('image', 'sizes-chain', 'tools.stage.plain.log');
    const r = await withStageImage(
      { images, dockerfile, stage: 'tools', tag: 't:2', buildStage: async () => ({ ok: true, text }) },
      async (tag) => `read ${tag}`,
    );
    expect(r).toEqual({ result: { ok: true, value: 'read t:2' }, cleanup: null });
    expect(images.removed).toEqual(['t:2']);
  });
});
