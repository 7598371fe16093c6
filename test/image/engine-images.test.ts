// Which socket the docker CLI would use, read from the same environment and config it reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSocket } from '../../src/image/engine-images.js';
import { historyEntries } from '../../src/image/docker-image.js';

describe('localSocket', () => {
  let config: string;
  beforeEach(() => {
    config = mkdtempSync(join(tmpdir(), 'bca-docker-config-'));
  });
  afterEach(() => rmSync(config, { recursive: true, force: true }));

  test('the default socket when nothing says otherwise', () => {
    expect(localSocket({ DOCKER_CONFIG: config })).toBe('/var/run/docker.sock');
    writeFileSync(join(config, 'config.json'), '{"auths": {}}');
    expect(localSocket({ DOCKER_CONFIG: config })).toBe('/var/run/docker.sock');
    writeFileSync(join(config, 'config.json'), '{"currentContext": "default"}');
    expect(localSocket({ DOCKER_CONFIG: config })).toBe('/var/run/docker.sock');
    writeFileSync(join(config, 'config.json'), 'not json');
    expect(localSocket({ DOCKER_CONFIG: config })).toBe('/var/run/docker.sock');
  });

  test('DOCKER_HOST: its unix socket, or none for tcp, ssh and npipe', () => {
    expect(localSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
    expect(localSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toBeNull();
    expect(localSocket({ DOCKER_HOST: 'ssh://me@host' })).toBeNull();
    expect(localSocket({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' })).toBeNull();
  });

  test('a context other than the default one (DOCKER_CONTEXT, or `docker context use`): none', () => {
    expect(localSocket({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'remote' })).toBeNull();
    expect(localSocket({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toBe('/var/run/docker.sock');
    writeFileSync(join(config, 'config.json'), '{"currentContext": "colima"}');
    expect(localSocket({ DOCKER_CONFIG: config })).toBeNull();
    // DOCKER_CONTEXT wins over the config, as it does for the CLI.
    expect(localSocket({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' })).toBe('/var/run/docker.sock');
  });
});

describe('historyEntries', () => {
  test('the engine’s list (number sizes) and the CLI’s lines (string sizes) give the same entries', () => {
    const engine = [
      { CreatedBy: 'CMD ["sh"]', Size: 0, Comment: 'buildkit.dockerfile.v0' },
      { CreatedBy: 'COPY a /a # buildkit', Size: 1234, Comment: 'buildkit.dockerfile.v0' },
    ];
    const cli = engine.map((e) => ({ ...e, Size: String(e.Size) }));
    expect(historyEntries(engine)).toEqual(historyEntries(cli));
    expect(historyEntries(engine)).toMatchObject([{ sizeBytes: 1234 }, { sizeBytes: 0, emptyLayer: true }]);
  });

  test('a size that is not a byte count, or an entry that is not an object: a reason, not a throw', () => {
    expect(historyEntries([{ CreatedBy: 'x', Size: '1.2MB' }])).toBe(
      "a `docker history` size is not a byte count ('1.2MB')",
    );
    expect(historyEntries([null])).toBe("a `docker history` size is not a byte count ('')");
    expect(historyEntries([{ CreatedBy: 'x', Size: -1 }])).toMatch(/not a byte count/);
  });
});
