// Bake/compose targets: a vertex BuildKit ran once for several targets is listed once, with the targets it served,
// and counts in each target's rollup. The real case is the corpus log plain-compose-bake-two-services-shared-vertex-
// label (asserted in corpus.test.ts); these logs are written in the same shape to pin the rule's edges.
import { parseText } from '../../src/progress/index.js';
import { buildReport } from '../../src/pipeline/build-report.js';
import { renderText } from '../../src/render/text.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { readFileSync } from 'node:fs';
import { fixture } from '../support/fixtures.js';
import { analyze } from '../../src/pipeline/analyze.js';

/** A plain log from `[label] text` / status pairs, numbered as BuildKit prints them. */
function log(vertices: [string, 'CACHED' | string][]): string {
  return (
    vertices
      .map(([name, end], i) => `#${i + 1} ${name}\n#${i + 1} ${end === 'CACHED' ? 'CACHED' : `DONE ${end}`}\n`)
      .join('\n') + '\n'
  );
}

const report = (text: string) => buildReport(parseText(Buffer.from(text)), { file: 'x.log' });

describe('steps BuildKit ran once for several targets', () => {
  // Two compose services built from one Dockerfile: each step printed once, under either service's label.
  const twoServices = log([
    ['[api internal] load build definition from Dockerfile', '0.0s'],
    ['[migrate internal] load build definition from Dockerfile', '0.0s'],
    ['[api 1/5] FROM docker.io/library/node:20', '0.1s'],
    ['[migrate 2/5] WORKDIR /app', 'CACHED'],
    ['[api 3/5] COPY package.json ./', 'CACHED'],
    ['[migrate 4/5] RUN npm ci', 'CACHED'],
    ['[api 5/5] COPY . .', '0.4s'],
    ['[api] exporting to image', '0.2s'],
    ['[migrate] exporting to image', '0.2s'],
  ]);

  test('each target counts its whole chain; the build counts each vertex once', () => {
    const r = report(twoServices);
    expect(r.totals.steps).toBe(5);
    expect(r.targets!.map((t) => [t.name, t.steps, t.counts.cached, t.counts.ran, t.sharedSteps])).toEqual([
      ['api', 5, 3, 1, 5],
      ['migrate', 5, 3, 1, 5],
    ]);
    expect(r.steps.map((s) => s.targets)).toEqual(Array(5).fill(['api', 'migrate']));
  });

  test('the text lists each step once, and names the targets it served', () => {
    const text = renderText(report(twoServices));
    expect(text.match(/RUN npm ci/g)).toHaveLength(2); // its line, and the note under the other target
    expect(text).toContain('Target api: 5 steps, cache hits 75%');
    expect(text).toContain('Target migrate: 5 steps, cache hits 75%');
    expect(text).toMatch(/RUN npm ci +\[ran once for targets api, migrate\]/);
    expect(text).toContain(
      '+ 2 steps listed under migrate (BuildKit ran them once for this target too): WORKDIR /app; RUN npm ci',
    );
    expect(text).not.toMatch(/^Stage api/m);
    const md = renderMarkdown(report(twoServices));
    expect(md).toContain('| `api` | 5 | 3 | 1 | 0 | 75% |');
    expect(md).toContain('(ran once for targets `api`, `migrate`)');
  });

  test('chains that printed an earlier step each are different chains: no sharing', () => {
    const r = report(
      log([
        ['[a internal] load build definition from Dockerfile', '0.0s'],
        ['[b internal] load build definition from Dockerfile', '0.0s'],
        ['[a builder 1/4] FROM docker.io/library/rust:1', '0.1s'],
        ['[a builder 2/4] WORKDIR /src', 'CACHED'],
        ['[b builder 2/4] WORKDIR /go', 'CACHED'],
        ['[a builder 3/4] RUN cargo fetch', 'CACHED'],
        ['[b builder 4/4] RUN go build', '3.0s'],
      ]),
    );
    expect(r.steps.filter((s) => s.targets)).toEqual([]);
    expect(r.targets!.map((t) => [t.name, t.steps])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  test("a named stage's first step is never taken as shared (FROM <stage> is not printed)", () => {
    const r = report(
      log([
        ['[a internal] load build definition from Dockerfile', '0.0s'],
        ['[b internal] load build definition from Dockerfile', '0.0s'],
        ['[a base 1/2] FROM docker.io/library/alpine:3', '0.1s'],
        ['[a base 2/2] RUN apk add git', 'CACHED'],
        ['[b base 2/2] RUN apk add curl', '1.0s'],
      ]),
    );
    expect(r.steps.filter((s) => s.targets)).toEqual([]);
  });

  test('a hole two steps could fill is left alone (no guess)', () => {
    const r = report(
      log([
        ['[a internal] load build definition from Dockerfile', '0.0s'],
        ['[b internal] load build definition from Dockerfile', '0.0s'],
        ['[c internal] load build definition from Dockerfile', '0.0s'],
        ['[a 1/3] FROM docker.io/library/alpine:3', '0.1s'],
        ['[b 1/3] FROM docker.io/library/debian:12', '0.1s'],
        ['[c 2/3] RUN true', 'CACHED'],
        ['[a 3/3] RUN a', '1.0s'],
        ['[b 3/3] RUN b', '1.0s'],
        ['[c 3/3] RUN c', '1.0s'],
      ]),
    );
    // c's step 1 could be a's or b's FROM: neither is marked for c. a and b both lack step 2: c's served them.
    expect(Object.fromEntries(r.steps.filter((s) => s.targets).map((s) => [s.name, s.targets]))).toEqual({
      '[c 2/3] RUN true': ['a', 'b', 'c'],
    });
  });

  test('a target that printed no step of its own gets the one chain the others printed, never a guess among two', async () => {
    const file = fixture('corpus', 'plain-compose-bake-four-services-one-dockerfile-all-shared.log');
    const { report: real } = await analyze({ parsed: parseText(readFileSync(file)), file: 'x.log' });
    const text = renderText(real);
    expect(text).toContain('Target bot: 5 steps, cache hits 75%');
    expect(text).toContain('+ 5 steps listed under api, worker (BuildKit ran them once for this target too)');
    expect(text).toMatch(/COPY \. \. +\[ran once for all 4 targets\]/);
    expect(text).toContain('`COPY . .` re-ran: 0.1s, 6% of the step time (all 4 targets).');

    const two = report(
      log([
        ['[a internal] load build definition from Dockerfile', '0.0s'],
        ['[b internal] load build definition from Dockerfile.b', '0.0s'],
        ['[a 1/2] FROM docker.io/library/alpine:3', '0.1s'],
        ['[b 1/2] FROM docker.io/library/debian:12', '0.1s'],
        ['[a 2/2] RUN a', '1.0s'],
        ['[b 2/2] RUN b', '1.0s'],
        ['[c] exporting to image', '0.1s'],
      ]),
    );
    expect(two.targets!.map((t) => [t.name, t.steps])).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 0],
    ]);
  });

  test("a target's stages per platform keep the platform in their heading", () => {
    const text = renderText(
      report(
        log([
          ['[a internal] load build definition from Dockerfile', '0.0s'],
          ['[b internal] load build definition from Dockerfile', '0.0s'],
          ['[a linux/amd64 builder 1/2] FROM docker.io/library/golang:1', '0.1s'],
          ['[a linux/amd64 builder 2/2] RUN go build', '2.0s'],
          ['[a linux/arm64 builder 1/2] FROM docker.io/library/golang:1', '0.1s'],
          ['[a linux/arm64 builder 2/2] RUN go build', '3.0s'],
          ['[b 1/1] FROM docker.io/library/alpine:3', '0.1s'],
        ]),
      ),
    );
    expect(text).toContain('  Stage linux/amd64/builder: 2 steps');
    expect(text).toContain('  Stage linux/arm64/builder: 2 steps');
  });
});
