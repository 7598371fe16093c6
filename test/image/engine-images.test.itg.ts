// The Engine API reader against the real engine: what its socket answers is what the docker CLI answers (the
// measurement reads either), a tag is removed over it, and the socket is chosen only when it is provably the
// daemon that built the image. Needs .ci/docker-up.sh's engine.
import { dockerImages } from '../../src/image/docker-image.js';
import { chooseImageReader, socketImages } from '../../src/image/engine-images.js';
import {
  BASE_IMAGE,
  baseImagePresent,
  buildPlain,
  describeWithDocker,
  DOCKER,
  docker,
  DOCKER_SOCKET,
  dockerAvailable,
} from '../support/docker.js';
import { copyContext, removeImages } from '../support/run-phases.js';
import { jest } from '@jest/globals';

// Starts docker builds: a budget for a busy machine.
jest.setTimeout(180_000);

const describeDocker = describeWithDocker(dockerAvailable() && baseImagePresent());
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;

describeDocker('the engine’s socket as an image reader', () => {
  const tag = `bca-itg-engine/node-app:${RUN_ID}`;
  let id = '';

  beforeAll(async () => {
    const built = await buildPlain({ context: copyContext('node-app'), tag });
    if (built.exitCode !== 0) throw new Error(`node-app build failed:\n${built.log.slice(-3000)}`);
    id = docker(['image', 'inspect', '--format', '{{.Id}}', tag]).stdout.trim();
  });

  afterAll(() => removeImages([tag]));

  test('inspect and history: the answers of `docker image inspect` and `docker history`, by tag and by id', async () => {
    const socket = socketImages(DOCKER_SOCKET);
    const cli = dockerImages(DOCKER);
    for (const ref of [tag, id, BASE_IMAGE]) {
      const [inspect, history] = await Promise.all([socket.inspect(ref), socket.history(ref)]);
      expect(inspect).toEqual(await cli.inspect(ref));
      expect(history).toEqual(await cli.history(ref));
      if (ref !== BASE_IMAGE) expect(history.available && history.entries.length).toBeGreaterThan(1);
    }
  });

  test('a missing image: not available, with the engine’s message', async () => {
    const missing = `bca-itg-engine/none:${RUN_ID}`;
    const socket = socketImages(DOCKER_SOCKET);
    const inspect = await socket.inspect(missing);
    expect(inspect.available).toBe(false);
    expect(!inspect.available && inspect.reason).toMatch(
      new RegExp(`^image ${missing} is not available locally \\(.*No such image: ${missing}\\)$`),
    );
    await expect(socket.history(missing)).resolves.toMatchObject({ available: false });
    await expect(socket.remove(missing)).resolves.toMatch(/No such image/);
  });

  test('a socket that is not there: not available, never a throw', async () => {
    const socket = socketImages('/nonexistent/docker.sock', 5_000);
    const r = await socket.inspect(tag);
    expect(r.available).toBe(false);
    expect(!r.available && r.reason).toContain('/nonexistent/docker.sock');
    await expect(socket.remove(tag)).resolves.toContain('/nonexistent/docker.sock');
  });

  test('remove: a second tag goes, the image and its first tag stay', async () => {
    const second = `bca-itg-engine/second:${RUN_ID}`;
    expect(docker(['tag', tag, second]).status).toBe(0);
    await expect(socketImages(DOCKER_SOCKET).remove(second)).resolves.toBeNull();
    expect(docker(['image', 'inspect', second]).status).not.toBe(0);
    expect(docker(['image', 'inspect', tag]).status).toBe(0);
  });

  test('chosen only for an id the socket holds, with the environment pointing at that socket', async () => {
    const env = { PATH: process.env.PATH, HOME: '/nonexistent' };
    expect((await chooseImageReader(DOCKER, id, undefined, env)).via).toBe('engine-api');
    expect(
      (await chooseImageReader(DOCKER, id, undefined, { ...env, DOCKER_HOST: `unix://${DOCKER_SOCKET}` })).via,
    ).toBe('engine-api');
    // A tag names nothing for sure; an id the socket does not know is another daemon's image.
    expect((await chooseImageReader(DOCKER, tag, undefined, env)).via).toBe('cli');
    expect((await chooseImageReader(DOCKER, `sha256:${'0'.repeat(64)}`, undefined, env)).via).toBe('cli');
    expect((await chooseImageReader(DOCKER, null, undefined, env)).via).toBe('cli');
    // The CLI would talk to another daemon.
    expect((await chooseImageReader(DOCKER, id, undefined, { ...env, DOCKER_HOST: 'tcp://127.0.0.1:9' })).via).toBe(
      'cli',
    );
    expect((await chooseImageReader(DOCKER, id, undefined, { ...env, DOCKER_CONTEXT: 'remote' })).via).toBe('cli');
    expect(
      (await chooseImageReader(DOCKER, id, undefined, { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' })).via,
    ).toBe('cli');
  });
});
