import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applied, suggestStatic } from '../../support/suggest-helpers.js';

const rules = (text: string, ctx: string | null = null) => suggestStatic(text, ctx).map((s) => s.rule);

describe('manifest-order', () => {
  test.each([
    [
      'npm',
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n',
      'COPY package.json package-lock.json* ./\nRUN npm ci\nCOPY . .\nRUN npm run build',
    ],
    [
      'yarn',
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\n',
      'COPY package.json yarn.lock* ./\nRUN yarn install --frozen-lockfile\nCOPY . .',
    ],
    [
      'pnpm',
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile\n',
      'COPY package.json pnpm-lock.yaml* ./\nRUN pnpm install --frozen-lockfile\nCOPY . .',
    ],
    [
      'pip',
      'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n',
      'COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .',
    ],
    [
      'poetry',
      'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --no-root\n',
      'COPY pyproject.toml poetry.lock* ./\nRUN poetry install --no-root\nCOPY . .',
    ],
    [
      'uv',
      'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\n',
      // uv's documented layout: the dependencies without the project, then the project with the sources.
      'COPY pyproject.toml uv.lock* ./\nRUN uv sync --frozen --no-install-project\nCOPY . .\nRUN uv sync --frozen',
    ],
    [
      'go',
      'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
      'COPY go.mod go.sum* ./\nRUN go mod download\nCOPY . .',
    ],
    [
      'bundler',
      'FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n',
      'COPY Gemfile Gemfile.lock* ./\nRUN bundle install\nCOPY . .',
    ],
    [
      'composer',
      'FROM composer:2\nWORKDIR /app\nCOPY . .\nRUN composer install --no-dev\n',
      // Composer's scripts and autoloader read the sources: the packages alone first.
      'COPY composer.json composer.lock* ./\nRUN composer install --no-scripts --no-autoloader --no-interaction\nCOPY . .\nRUN composer install --no-dev',
    ],
    [
      'maven offline',
      'FROM maven:3\nWORKDIR /app\nCOPY . .\nRUN mvn -B dependency:go-offline\nRUN mvn -B package\n',
      'COPY pom.xml ./\nRUN mvn -B dependency:go-offline\nCOPY . .',
    ],
    [
      'cargo',
      'FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n',
      'COPY Cargo.toml Cargo.lock* ./\nRUN cargo fetch\nCOPY . .\nRUN cargo build --release',
    ],
    [
      'maven package',
      'FROM maven:3\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n',
      'COPY pom.xml ./\nRUN mvn -B dependency:go-offline\nCOPY . .\nRUN mvn -B package',
    ],
    [
      'gradle',
      'FROM gradle:8\nWORKDIR /app\nCOPY . .\nRUN gradle build --no-daemon\n',
      'COPY build.gradle* settings.gradle* gradle.properties* ./\nRUN gradle dependencies --no-daemon\nCOPY . .\nRUN gradle build --no-daemon',
    ],
  ])('%s: fires, and its diff applies to give the manifests-first order', (_name, before, expected) => {
    const found = suggestStatic(before).filter((s) => s.rule === 'manifest-order');
    expect(found).toHaveLength(1);
    // The cache mount on the install's line is folded in (one suggestion for the same lines, both reasons).
    const withoutMount = applied(before, found[0]).replace(/--mount=type=cache,target=\S+ /g, '');
    expect(withoutMount).toContain(expected);
    expect(found[0].also?.map((x) => x.rule) ?? []).toEqual(
      applied(before, found[0]) === withoutMount ? [] : ['cache-mount'],
    );
    expect(found[0].evidence).toBe('static');
  });

  test.each([
    [
      'install after the manifests, sources after',
      'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n',
    ],
    ['a global install needs no manifests', 'FROM node:20\nCOPY . .\nRUN npm install -g pnpm\n'],
    ['a WORKDIR between would change the COPY', 'FROM node:20\nCOPY . .\nWORKDIR /app\nRUN npm ci\n'],
    ['a RUN between may need the sources', 'FROM node:20\nCOPY . .\nRUN ./prepare.sh\nRUN npm ci\n'],
    ['no install at all', 'FROM node:20\nCOPY . .\nRUN node build.js\n'],
  ])('silent: %s', (_name, text) => {
    expect(rules(text)).not.toContain('manifest-order');
  });

  test('with the context known, only the manifests that exist are copied', () => {
    const ctx = mkdtempSync(join(tmpdir(), 'bca-ctx-'));
    writeFileSync(join(ctx, 'package.json'), '{}');
    writeFileSync(join(ctx, 'package-lock.json'), '{}');
    const before = 'FROM node:20\nCOPY . .\nRUN npm ci\n';
    const [s] = suggestStatic(before, ctx).filter((x) => x.rule === 'manifest-order');
    expect(applied(before, s)).toBe(
      'FROM node:20\nCOPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n',
    );
  });
});

describe('arg-placement', () => {
  test('an ARG above RUNs that do not use it moves down to its first use', () => {
    const before =
      'FROM alpine\nARG VERSION\nRUN apk add --no-cache curl\nRUN make deps\nRUN echo $VERSION > /version\n';
    const [s] = suggestStatic(before).filter((x) => x.rule === 'arg-placement');
    expect(applied(before, s)).toBe(
      'FROM alpine\nRUN apk add --no-cache curl\nRUN make deps\nARG VERSION\nRUN echo $VERSION > /version\n',
    );
    expect(s.lines).toEqual({ start: 2, end: 5 });
  });

  test.each([
    ['declared just before its use', 'FROM alpine\nRUN make deps\nARG VERSION\nRUN echo $VERSION\n'],
    ['only COPYs between', 'FROM alpine\nARG VERSION\nCOPY a /a\nRUN echo ${VERSION}\n'],
    ['never used in the file (a script may read it)', 'FROM alpine\nARG VERSION\nRUN make\n'],
    ['a name read as a regex would match a later RUN', 'FROM alpine\nARG V.R\nRUN make\nRUN echo $VER\n'],
    ['a name with a regex character', 'FROM alpine\nARG X(\nRUN make\nRUN echo $X\n'],
  ])('silent: %s', (_name, text) => {
    expect(rules(text)).not.toContain('arg-placement');
  });
});

describe('copy-order', () => {
  test('sources copied above a system install: the install moves above', () => {
    const before =
      'FROM debian:12\nWORKDIR /app\nCOPY src/ ./src/\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN make -C src\n';
    const [s] = suggestStatic(before).filter((x) => x.rule === 'copy-order');
    expect(applied(before, s)).toBe(
      'FROM debian:12\nWORKDIR /app\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nCOPY src/ ./src/\nRUN make -C src\n',
    );
  });

  test.each([
    ['the RUN reads the copied files', 'FROM alpine\nCOPY setup.sh /setup.sh\nRUN chmod +x /setup.sh\n'],
    ['the RUN is the build', 'FROM alpine\nCOPY src/ /src/\nRUN make -C /src\n'],
    ['an ENV between may matter', 'FROM alpine\nCOPY src/ /src/\nENV X=1\nRUN apk add --no-cache curl\n'],
  ])('silent: %s', (_name, text) => {
    expect(rules(text)).not.toContain('copy-order');
  });
});

describe('cache-mount', () => {
  test.each([
    ['RUN npm ci', 'RUN --mount=type=cache,target=/root/.npm npm ci'],
    [
      'RUN pip install --no-cache-dir -r requirements.txt',
      'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
    ],
    ['RUN go mod download', 'RUN --mount=type=cache,target=/go/pkg/mod go mod download'],
  ])('%s', (run, expected) => {
    const before = `FROM x\nWORKDIR /app\nCOPY a b ./\n${run}\n`;
    const [s] = suggestStatic(before).filter((x) => x.rule === 'cache-mount');
    expect(applied(before, s)).toContain(expected);
  });

  test.each([
    ['already mounted', 'FROM x\nRUN --mount=type=cache,target=/root/.npm npm ci\n'],
    ['a non-root USER moves the cache', 'FROM x\nUSER node\nRUN npm ci\n'],
  ])('silent: %s', (_name, text) => {
    expect(rules(text)).not.toContain('cache-mount');
  });
});

describe('package layers', () => {
  test('apt-get update alone is merged into the install', () => {
    const before = 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n';
    const [s] = suggestStatic(before).filter((x) => x.rule === 'apt-update-alone');
    expect(applied(before, s)).toBe(
      'FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    );
  });

  test('apt lists are removed in the same RUN', () => {
    const before = 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n';
    const [s] = suggestStatic(before).filter((x) => x.rule === 'apt-cleanup');
    expect(applied(before, s)).toBe(
      'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n',
    );
  });

  test('apk add gets --no-cache', () => {
    const before = 'FROM alpine\nRUN apk add curl git\n';
    const [s] = suggestStatic(before).filter((x) => x.rule === 'apk-no-cache');
    expect(applied(before, s)).toBe('FROM alpine\nRUN apk add --no-cache curl git\n');
  });

  test.each([
    [
      'the canonical apt RUN',
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
    ],
    ['apk with --no-cache', 'FROM alpine\nRUN apk add --no-cache curl\n'],
  ])('silent: %s', (_name, text) => {
    expect(rules(text)).toEqual([]);
  });
});

describe('dockerignore', () => {
  test('a context with .git and COPY . . and no .dockerignore', () => {
    const ctx = mkdtempSync(join(tmpdir(), 'bca-ctx-'));
    mkdirSync(join(ctx, '.git'));
    mkdirSync(join(ctx, 'node_modules'));
    const text = 'FROM node:20\nCOPY . .\nRUN npm run build\n';
    const [s] = suggestStatic(text, ctx).filter((x) => x.rule === 'dockerignore');
    expect(applied('', s)).toBe('.git\nnode_modules\n');
    // Nothing costly after the COPY: not worth a suggestion.
    expect(rules('FROM node:20\nCOPY . .\n', ctx)).not.toContain('dockerignore');
    writeFileSync(join(ctx, '.dockerignore'), '.git\n');
    expect(rules(text, ctx)).not.toContain('dockerignore');
  });
});

describe('split-run', () => {
  test('system setup chained with work on the copied files is split above the COPY', () => {
    const before =
      'FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y make && make build\n';
    const [s] = suggestStatic(before).filter((x) => x.rule === 'split-run');
    expect(applied(before, s)).toBe(
      'FROM debian:12\nWORKDIR /app\nRUN apt-get update \\\n    && apt-get install -y make\nCOPY . .\nRUN make build\n',
    );
  });

  test.each([
    ['the build comes first', 'FROM debian:12\nCOPY . .\nRUN make build && apt-get install -y curl\n'],
    ['a shell condition', 'FROM debian:12\nCOPY . .\nRUN apt-get install -y make || true && make\n'],
    ['nothing stable in it', 'FROM debian:12\nCOPY . .\nRUN make && make install\n'],
  ])('silent: %s', (_name, text) => {
    expect(rules(text)).not.toContain('split-run');
  });
});

describe('multi-stage and merge-runs need the build data', () => {
  const DOCKERFILE =
    'FROM node:20\nWORKDIR /app\nRUN apt-get update && apt-get install -y build-essential python3-dev && rm -rf /var/lib/apt/lists/*\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nRUN npm prune --omit=dev\nCMD ["node", "dist/index.js"]\n';

  test('static: silent', () => {
    expect(rules(DOCKERFILE)).not.toContain('multi-stage');
    expect(rules(DOCKERFILE)).not.toContain('merge-runs');
  });

  test('with a measured 300 MB tools layer: a build stage, and the app copied into a clean one', async () => {
    const { buildReport } = await import('../../../src/pipeline/build-report.js');
    const { parseText } = await import('../../../src/progress/index.js');
    const { parseDockerfile } = await import('../../../src/dockerfile/parse.js');
    const log = [
      '#1 [1/8] FROM docker.io/library/node:20\n#1 DONE 0.1s\n',
      '#2 [2/8] WORKDIR /app\n#2 CACHED\n',
      '#3 [3/8] RUN apt-get update && apt-get install -y build-essential python3-dev && rm -rf /var/lib/apt/lists/*\n#3 CACHED\n',
      '#4 [6/8] COPY . .\n#4 DONE 0.2s\n',
      '#5 [7/8] RUN npm run build\n#5 DONE 20.0s\n',
      '#6 [8/8] RUN npm prune --omit=dev\n#6 DONE 3.0s\n',
    ].join('\n');
    const parsed = parseDockerfile(DOCKERFILE);
    const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed } });
    report.steps.find((s) => s.id === '(default)#3')!.sizeBytes = 300_000_000;
    report.steps.find((s) => s.id === '(default)#6')!.miss = { role: 'root', roots: [] };
    report.steps.find((s) => s.id === '(default)#7')!.miss = { role: 'cascade', roots: ['(default)#6'] };
    report.steps.find((s) => s.id === '(default)#8')!.miss = { role: 'cascade', roots: ['(default)#6'] };
    const found = suggestStatic(DOCKERFILE, null, report);
    const multi = found.find((s) => s.rule === 'multi-stage')!;
    expect(applied(DOCKERFILE, multi)).toBe(
      DOCKERFILE.replace('FROM node:20\n', 'FROM node:20 AS build\n') +
        '\nFROM node:20\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/index.js"]\n',
    );
    const merge = found.find((s) => s.rule === 'merge-runs')!;
    expect(applied(DOCKERFILE, merge)).toContain('RUN npm run build \\\n    && npm prune --omit=dev\n');
  });
});

describe('shell-aware matching and gains', () => {
  test.each([
    ['a package manager named inside a string', 'FROM node:20\nCOPY . .\nRUN echo "npm ci" && node build.js\n', []],
    ['a comment line inside the RUN', 'FROM node:20\nCOPY . .\nRUN node build.js \\\n  # then npm ci\n  && true\n', []],
    ['a here-document body', 'FROM node:20\nCOPY . .\nRUN cat <<EOF > /notes\nnpm ci\nEOF\n', []],
    ['env prefixes', 'FROM node:20\nCOPY . .\nRUN NODE_ENV=production npm ci --omit=dev\n', ['manifest-order']],
    ['bare yarn', 'FROM node:20\nCOPY . .\nRUN yarn\n', ['manifest-order']],
    ['--mount flags', 'FROM node:20\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci\n', ['manifest-order']],
    [
      'python -m pip',
      'FROM python:3.12\nCOPY . .\nRUN python -m pip install -r requirements.txt\n',
      ['manifest-order'],
    ],
    [
      'a RUN between that sets the system up',
      'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN corepack enable\nRUN pnpm install --frozen-lockfile\n',
      ['manifest-order'],
    ],
    [
      'cargo-chef already separates the dependencies',
      'FROM rust:1 AS chef\nRUN cargo install cargo-chef\nWORKDIR /app\nFROM chef AS planner\nCOPY . .\nRUN cargo chef prepare --recipe-path recipe.json\nFROM chef AS builder\nCOPY --from=planner /app/recipe.json recipe.json\nRUN cargo chef cook --release --recipe-path recipe.json\nCOPY . .\nRUN cargo build --release\n',
      [],
    ],
  ])('manifest-order: %s', (_name, text, expected) => {
    expect(rules(text).filter((r) => r === 'manifest-order')).toEqual(expected);
  });

  test('trivial commands never justify split-run or copy-order', () => {
    const text =
      'FROM busybox\nWORKDIR /app\nCOPY src/ src/\nRUN echo "tsc" && mkdir -p dist && cat src/*.txt > dist/app.js\nRUN mkdir -p /data && chown 1000 /data\n';
    expect(rules(text)).toEqual([]);
  });

  test('every suggestion carries a gain and a confidence; its tag follows the gain', () => {
    const text =
      'FROM debian:12\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y curl\nRUN pip install -r requirements.txt\n';
    const found = suggestStatic(text);
    expect(found.length).toBeGreaterThan(0);
    for (const s of found) {
      expect(['seconds', 'bytes', 'layers', 'correctness']).toContain(s.gain.kind);
      expect(['high', 'medium', 'low']).toContain(s.confidence);
      expect(s.evidence).toBe('static');
      expect(s.gain.basis).toBe('estimated');
      expect(s.why).not.toMatch(/in this build/);
    }
  });

  test('TARGETARCH and tool environment ARGs are not moved', () => {
    const text =
      'FROM golang:1.23\nARG TARGETARCH\nARG CGO_ENABLED=0\nRUN apt-get update && apt-get install -y git\nRUN GOARCH=$TARGETARCH go build -o /app . && echo $CGO_ENABLED\n';
    expect(rules(text)).not.toContain('arg-placement');
  });
});

describe('merge-runs needs discriminating data', () => {
  const TEXT = 'FROM debian:12\nWORKDIR /app\nRUN apt-get update\nRUN apt-get install -y curl\n';
  async function reportOf(workdir: 'CACHED' | 'DONE 0.1s') {
    const { buildReport } = await import('../../../src/pipeline/build-report.js');
    const { parseText } = await import('../../../src/progress/index.js');
    const { parseDockerfile } = await import('../../../src/dockerfile/parse.js');
    const log = [
      '#1 [1/4] FROM docker.io/library/debian:12\n#1 DONE 0.1s\n',
      `#2 [2/4] WORKDIR /app\n#2 ${workdir}\n`,
      '#3 [3/4] RUN apt-get update\n#3 DONE 5.0s\n',
      '#4 [4/4] RUN apt-get install -y curl\n#4 DONE 9.0s\n',
    ].join('\n');
    const report = buildReport(parseText(log), { dockerfile: { path: 'Dockerfile', parsed: parseDockerfile(TEXT) } });
    report.steps.find((s) => s.id === '(default)#3')!.miss = { role: 'root', roots: [] };
    report.steps.find((s) => s.id === '(default)#4')!.miss = { role: 'cascade', roots: ['(default)#3'] };
    return report;
  }

  test('a cold build (nothing before the RUNs cached): silent', async () => {
    const found = suggestStatic(TEXT, null, await reportOf('DONE 0.1s'));
    expect(found.map((s) => s.rule)).not.toContain('merge-runs');
    expect(found.flatMap((s) => s.also ?? []).map((s) => s.rule)).not.toContain('merge-runs');
  });

  test('merge-runs and apt-update-alone make the same edit: one suggestion with both reasons', async () => {
    const found = suggestStatic(TEXT, null, await reportOf('CACHED'));
    const edits = found.filter((s) => s.lines.start <= 4 && s.lines.end >= 3 && s.file === 'Dockerfile');
    expect(edits).toHaveLength(1);
    const rulesOf = [edits[0].rule, ...(edits[0].also ?? []).map((a) => a.rule)].sort();
    expect(rulesOf).toEqual(expect.arrayContaining(['apt-update-alone', 'merge-runs']));
    expect(applied(TEXT, edits[0])).toContain('RUN apt-get update \\\n    && apt-get install -y curl');
  });

  test('with history: only when they re-ran together in most builds where either did', async () => {
    const { suggestWith } = await import('../../../src/analysis/suggest/index.js');
    const { shell } = await import('../../support/suggest-helpers.js');
    const { parseDockerfile } = await import('../../../src/dockerfile/parse.js');
    const report = await reportOf('CACHED');
    const build = (a: 'ran' | 'cached', b: 'ran' | 'cached', i: number) => ({
      commit: String(i).repeat(40),
      branch: 'main',
      createdAt: new Date(2026, 0, i + 1).toISOString(),
      seconds: 10,
      steps: { '(default)#3': a, '(default)#4': b } as Record<string, 'ran' | 'cached'>,
    });
    const rulesWith = (builds: ReturnType<typeof build>[]) =>
      suggestWith(shell, report, {
        file: 'Dockerfile',
        text: TEXT,
        dockerfile: parseDockerfile(TEXT),
        contextDir: null,
        history: { schemaVersion: 1, builds },
      }).flatMap((s) => [s.rule, ...(s.also ?? []).map((a) => a.rule)]);
    // Apart in 3 of the 4 earlier builds where either re-ran: with this one, 2 of 5 together.
    const apart = [
      build('ran', 'cached', 0),
      build('cached', 'ran', 1),
      build('ran', 'cached', 2),
      build('ran', 'ran', 3),
    ];
    expect(rulesWith(apart)).not.toContain('merge-runs');
    const together = [build('ran', 'ran', 0), build('ran', 'ran', 1), build('cached', 'ran', 2)];
    expect(rulesWith(together)).toContain('merge-runs');
  });
});
