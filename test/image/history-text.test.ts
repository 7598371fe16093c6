import { readdirSync } from 'node:fs';
import type { DockerfileInstruction } from '../../src/dockerfile/parse.js';
import { parseHistory, parseInspect } from '../../src/image/docker-image.js';
import { inferEmptyLayer, mismatch, readEntry, shellsOf } from '../../src/image/history-text.js';
import { fixture, readFixture } from '../support/fixtures.js';

function inst(text: string): DockerfileInstruction {
  return { keyword: text.split(' ')[0].toUpperCase(), text, lines: { start: 1, end: 1 }, sources: [], from: [] };
}

/** Every recorded image: [scenario/name, history, inspect]. */
function recordedImages() {
  return readdirSync(fixture('image'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(fixture('image', d.name))
        .filter((f) => f.endsWith('.history.jsonl'))
        .map((f) => {
          const name = f.replace('.history.jsonl', '');
          const history = parseHistory(readFixture('image', d.name, f));
          const inspect = parseInspect(name, readFixture('image', d.name, `${name}.inspect.json`));
          if (typeof history === 'string' || !inspect.available) throw new Error(`bad fixture ${d.name}/${name}`);
          return { name: `${d.name}/${name}`, history, inspect };
        }),
    );
}

describe('readEntry', () => {
  // Real CreatedBy texts of BuildKit 0.8 (fixtures/image/*/ *.history.jsonl).
  test.each([
    ['RUN |2 A1=value-from-cli A2=two /bin/sh -c echo cached > /cached.txt # buildkit', 'layer', 'RUN'],
    ['RUN sh -c dd if=/dev/zero of=/out.bin bs=1k count=64 2>/dev/null # buildkit', 'layer', 'RUN'],
    ['COPY /tool.txt /tool.bin ./ # buildkit', 'layer', 'COPY'],
    ['ADD a.txt b*.txt /multi/ # buildkit', 'layer', 'ADD'],
    ['WORKDIR /rel/v1/x', 'layer', 'WORKDIR'],
    ['WORKDIR /', 'metadata', 'WORKDIR'],
    ['ENV K1=v1 K2=v 2', 'metadata', 'ENV'],
    ['ARG A1', 'metadata', 'ARG'],
    ['MAINTAINER bca tests', 'metadata', 'MAINTAINER'],
    ['EXPOSE map[80/tcp:{}]', 'metadata', 'EXPOSE'],
    ['HEALTHCHECK &{["CMD-SHELL" "true"] "0s" "0s" "0s" \'\\x00\'}', 'metadata', 'HEALTHCHECK'],
    ['CMD ["-c" "cat /two.txt"]', 'metadata', 'CMD'],
    ['', 'foreign', null],
    ['/bin/sh -c #(nop)  CMD ["sh"]', 'foreign', null],
    // A RUN of the classic builder's, or one without BuildKit's marker: not ours to pair.
    ['RUN echo hi', 'foreign', null],
  ])('%#: %s', (createdBy, kind, keyword) => {
    expect(readEntry(createdBy)).toMatchObject({ kind, keyword });
  });

  test('the marker is cut from the body', () => {
    expect(readEntry('COPY a.txt /a1.txt # buildkit')).toEqual({
      kind: 'layer',
      keyword: 'COPY',
      body: 'a.txt /a1.txt',
    });
  });
});

describe('inferEmptyLayer', () => {
  test.each(recordedImages())('$name: the entries that make layers are as many as the image has', (image) => {
    expect(image.history.filter((e) => !e.emptyLayer)).toHaveLength(image.inspect.layers.length);
  });

  test.each([
    ['/bin/sh -c #(nop)  CMD ["sh"]', 0, true],
    ['/bin/sh -c #(nop) ADD file:4f8c3c in / ', 0, false],
    ['/bin/sh -c apt-get update', 0, false],
    ['RUN /bin/sh -c true # buildkit', 0, false],
    ['WORKDIR /app', 0, false],
    ['WORKDIR /', 0, true],
    ['ENV A=1', 0, true],
    ['', 1985512, false],
  ])('%#: %s (%d bytes) → %s', (createdBy, size, empty) => {
    expect(inferEmptyLayer(createdBy, size)).toBe(empty);
  });
});

describe('shellsOf', () => {
  test('SHELL changes the shell of the entries after it, in either builder’s form', () => {
    expect(
      shellsOf([
        '',
        'RUN a # buildkit',
        'SHELL [/bin/sh -xc]',
        'RUN b # buildkit',
        '/bin/sh -c #(nop)  SHELL [/bin/bash -c]',
        'x',
      ]),
    ).toEqual(['/bin/sh -c', '/bin/sh -c', '/bin/sh -c', '/bin/sh -xc', '/bin/sh -xc', '/bin/bash -c']);
  });
});

describe('mismatch', () => {
  const sh = '/bin/sh -c';
  test.each([
    // Shell form, with and without the build args BuildKit puts in front; a continuation's indentation.
    ['RUN /bin/sh -c echo hi # buildkit', 'RUN echo hi', sh, null],
    [
      'RUN |1 VERSION=1 /bin/sh -c echo "$VERSION" > version.txt # buildkit',
      'RUN echo "$VERSION" > version.txt',
      sh,
      null,
    ],
    ['RUN |2 A1=x A2=two /bin/sh -c echo one       && echo   two # buildkit', 'RUN echo one && echo two', sh, null],
    ['RUN |2 A1=x A2=two /bin/sh -xc echo shell # buildkit', 'RUN echo shell', '/bin/sh -xc', null],
    ['RUN /bin/sh -c echo cached > /c # buildkit', 'RUN --mount=type=cache,target=/cache echo cached > /c', sh, null],
    // Exec form: no shell.
    ['RUN sh -c dd if=/dev/zero of=/o # buildkit', 'RUN ["sh", "-c", "dd if=/dev/zero of=/o"]', sh, null],
    ['RUN |1 A=b sh -c x # buildkit', 'RUN ["sh", "-c", "x"]', sh, null],
    // COPY/ADD: flags dropped, JSON form joined, variables expanded.
    ['COPY /tool.txt /tool.bin ./ # buildkit', 'COPY --from=tools /tool.txt /tool.bin ./', sh, null],
    ['COPY a.txt /a1.txt # buildkit', 'COPY --chown=1:1 a.txt /a1.txt', sh, null],
    ['COPY b c.txt /bc.txt # buildkit', 'COPY ["b c.txt", "/bc.txt"]', sh, null],
    ['COPY v1.txt /k/ # buildkit', 'COPY $K1.txt /k/', sh, null],
    ['ADD a.txt b*.txt /multi/ # buildkit', 'ADD a.txt b*.txt /multi/', sh, null],
    // WORKDIR: absolute as written, relative resolved, variables expanded.
    ['WORKDIR /app/', 'WORKDIR /app/', sh, null],
    ['WORKDIR /rel', 'WORKDIR rel', sh, null],
    ['WORKDIR /rel/v1/x', 'WORKDIR $K1/x', sh, null],
    // Disagreements.
    ['RUN /bin/sh -c echo other # buildkit', 'RUN echo hi', sh, "the history's RUN is not this instruction's"],
    ['RUN /bin/sh -c false && true # buildkit', 'RUN true', sh, "the history's RUN is not this instruction's"],
    ['RUN /bin/bash -c echo hi # buildkit', 'RUN echo hi', sh, "the history's RUN is not this instruction's"],
    ['COPY a.txt /a # buildkit', 'RUN echo hi', sh, 'the history has a COPY where the Dockerfile has RUN'],
    ['COPY a.txt /b # buildkit', 'COPY a.txt /a', sh, "the history's COPY is not this instruction's"],
    ['WORKDIR /srv', 'WORKDIR /app', sh, "the history's WORKDIR is not this instruction's"],
    ['ENV A=1', 'RUN echo hi', sh, 'the history has no layer entry for this RUN'],
  ])('%#: %s ~ %s', (createdBy, text, shell, expected) => {
    expect(mismatch(readEntry(createdBy), inst(text), shell)).toBe(expected);
  });

  test('a reason never quotes the history (it can hold build-arg values)', () => {
    const why = mismatch(readEntry('RUN |1 TOKEN=s3cr3t /bin/sh -c x # buildkit'), inst('RUN y'), '/bin/sh -c');
    expect(why).not.toContain('s3cr3t');
  });
});
