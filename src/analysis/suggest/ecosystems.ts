// Package managers: how an install looks, which files it needs, and where its download cache lives.

export interface Ecosystem {
  name: string;
  /** A RUN command that installs dependencies from manifests. */
  install: RegExp;
  /** `move`: the install only needs the manifests, so it can move above the sources.
   *  `fetch`: it is a build that also resolves dependencies: a fetch step is added before the sources instead. */
  kind: 'move' | 'fetch';
  /** Files to copy first; `*` marks an optional one (BuildKit's COPY needs one match per source). */
  manifests: string[];
  /** For `fetch`: the command that downloads the dependencies alone. */
  fetch?: string;
  /** Download cache for `--mount=type=cache` (as root). */
  cache: string | null;
}

export const ECOSYSTEMS: Ecosystem[] = [
  {
    name: 'npm',
    install: /\bnpm (?:ci|install|i)\b(?![^&;|]*\s-g\b)/,
    kind: 'move',
    manifests: ['package.json', 'package-lock.json*'],
    cache: '/root/.npm',
  },
  {
    name: 'yarn',
    install: /\byarn(?: install)?(?: --[\w-]+)*\s*(?:$|&&|;)/,
    kind: 'move',
    manifests: ['package.json', 'yarn.lock*'],
    cache: '/usr/local/share/.cache/yarn',
  },
  {
    name: 'pnpm',
    install: /\bpnpm (?:install|i|fetch)\b/,
    kind: 'move',
    manifests: ['package.json', 'pnpm-lock.yaml*'],
    cache: '/root/.local/share/pnpm/store',
  },
  {
    name: 'pip',
    install: /\bpip3? install\b[^&;|]*\s(?:-r|--requirement)\s+\S+/,
    kind: 'move',
    manifests: ['requirements*.txt'],
    cache: '/root/.cache/pip',
  },
  {
    name: 'poetry',
    install: /\bpoetry install\b/,
    kind: 'move',
    manifests: ['pyproject.toml', 'poetry.lock*'],
    cache: '/root/.cache/pypoetry',
  },
  {
    name: 'uv',
    install: /\buv sync\b/,
    kind: 'move',
    manifests: ['pyproject.toml', 'uv.lock*'],
    cache: '/root/.cache/uv',
  },
  { name: 'go', install: /\bgo mod download\b/, kind: 'move', manifests: ['go.mod', 'go.sum*'], cache: '/go/pkg/mod' },
  {
    name: 'bundler',
    install: /\bbundle install\b/,
    kind: 'move',
    manifests: ['Gemfile', 'Gemfile.lock*'],
    cache: null,
  },
  {
    name: 'composer',
    install: /\bcomposer install\b/,
    kind: 'move',
    manifests: ['composer.json', 'composer.lock*'],
    cache: '/root/.composer/cache',
  },
  {
    name: 'maven',
    install: /\bmvn\b[^&;|]*\bdependency:go-offline\b/,
    kind: 'move',
    manifests: ['pom.xml'],
    cache: '/root/.m2',
  },
  {
    name: 'cargo',
    install: /\bcargo (?:build|fetch)\b/,
    kind: 'fetch',
    manifests: ['Cargo.toml', 'Cargo.lock*'],
    fetch: 'cargo fetch',
    cache: '/usr/local/cargo/registry',
  },
  {
    name: 'maven-build',
    install: /\bmvn\b[^&;|]*\b(?:package|install|verify)\b/,
    kind: 'fetch',
    manifests: ['pom.xml'],
    fetch: 'mvn -B dependency:go-offline',
    cache: '/root/.m2',
  },
  {
    name: 'gradle',
    install: /(?:\bgradle|\.\/gradlew)\b[^&;|]*\b(?:build|assemble|bootJar|jar|installDist)\b/,
    kind: 'fetch',
    manifests: ['build.gradle*', 'settings.gradle*', 'gradle.properties*'],
    fetch: 'gradle dependencies --no-daemon',
    cache: '/root/.gradle',
  },
];

/** The ecosystem whose install a RUN command runs, if any. */
export function ecosystemOf(command: string): Ecosystem | null {
  return ECOSYSTEMS.find((e) => e.install.test(command)) ?? null;
}

/** The requirements file a pip install names (`-r requirements/prod.txt`), to copy it exactly. */
export function pipRequirements(command: string): string[] {
  return [...command.matchAll(/(?:-r|--requirement)\s+(\S+)/g)].map((m) => m[1]);
}
