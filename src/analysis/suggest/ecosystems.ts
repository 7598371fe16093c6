// Package managers and the classes of shell commands, matched on parsed commands (name and arguments,
// src/dockerfile/shell.ts), never on words anywhere in the RUN text.
import type { ShellCommand } from '../../dockerfile/shell.js';

export interface Ecosystem {
  name: string;
  /** A command that installs dependencies from manifests (`npm ci`, `pip install -r x`, bare `yarn`). */
  install: (c: ShellCommand) => boolean;
  /** `move`: the install only needs the manifests, so it can move above the sources.
   *  `fetch`: a build (or an install of the project itself) that also resolves dependencies: a step that
   *  fetches them alone is added before the sources instead. */
  kind: 'move' | 'fetch';
  /** Files to copy first; `*` marks an optional one (BuildKit's COPY needs one match per source). */
  manifests: string[];
  /** For `fetch`: the command that downloads the dependencies alone, from the install command and the text of
   *  its link in the RUN's chain (`VAR=x poetry install` keeps its prefix). */
  fetch?: (c: ShellCommand, link: string) => string;
  /** Download cache for `--mount=type=cache` (as root). */
  cache: string | null;
}

// Options that take a value as the next argument (`yarn --network-timeout 600000`, `npm --prefix ./web ci`).
const VALUED = new Set([
  '--network-timeout',
  '--cwd',
  '--mutex',
  '--cache-folder',
  '--modules-folder',
  '--registry',
  '--prefix',
  '-C',
  '--dir',
  '--filter',
  '-F',
  '--workspace',
  '--jobs',
  '-j',
  '--retry',
  '--path',
  '--without',
  '--with',
  '--only',
  '-E',
  '--extras',
  '--timeout',
  '--default-timeout',
  '-i',
  '--index-url',
]);

/** The positional arguments (options, their `=` values and the values of options that take one dropped). */
export function positional(c: ShellCommand): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i];
    if (a.startsWith('-')) {
      if (VALUED.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
const has = (c: ShellCommand, ...flags: string[]) => c.args.some((a) => flags.includes(a.split('=')[0]));
const named = (c: ShellCommand, ...names: string[]) => names.includes(c.name);
const sub = (c: ShellCommand, ...subs: string[]) => subs.includes(positional(c)[0] ?? '');
const mvn = (c: ShellCommand) => named(c, 'mvn', 'mvnw');
const gradle = (c: ShellCommand) => named(c, 'gradle', 'gradlew');

/** A dependency step that needs only the manifests: a later build of the same ecosystem is then protected. */
export function fetchesDependencies(c: ShellCommand): string | null {
  if (named(c, 'cargo') && (sub(c, 'fetch') || (sub(c, 'chef') && positional(c)[1] === 'cook'))) return 'cargo';
  if (mvn(c) && c.args.some((a) => /^dependency:(?:go-offline|resolve)/.test(a))) return 'maven-build';
  if (
    gradle(c) &&
    c.args.some((a) => /^(?:dependencies|--write-locks|resolveDependencies|downloadDependencies)$/.test(a))
  )
    return 'gradle';
  if (named(c, 'uv') && sub(c, 'sync') && has(c, '--no-install-project')) return 'uv';
  if (named(c, 'poetry') && sub(c, 'install') && has(c, '--no-root')) return 'poetry';
  if (named(c, 'composer') && sub(c, 'install') && has(c, '--no-autoloader', '--no-scripts')) return 'composer';
  if (named(c, 'dotnet') && sub(c, 'restore')) return 'dotnet';
  return null;
}

export const ECOSYSTEMS: Ecosystem[] = [
  {
    name: 'npm',
    install: (c) => named(c, 'npm') && sub(c, 'ci', 'install', 'i') && !has(c, '-g', '--global'),
    kind: 'move',
    manifests: ['package.json', 'package-lock.json*'],
    cache: '/root/.npm',
  },
  {
    name: 'yarn',
    install: (c) => named(c, 'yarn') && (positional(c).length === 0 || sub(c, 'install')),
    kind: 'move',
    manifests: ['package.json', 'yarn.lock*'],
    cache: '/usr/local/share/.cache/yarn',
  },
  {
    name: 'pnpm',
    install: (c) => named(c, 'pnpm') && sub(c, 'install', 'i', 'fetch') && !has(c, '-g', '--global'),
    kind: 'move',
    manifests: ['package.json', 'pnpm-lock.yaml*'],
    cache: '/root/.local/share/pnpm/store',
  },
  {
    name: 'pip',
    install: (c) => named(c, 'pip', 'pip3') && sub(c, 'install') && has(c, '-r', '--requirement'),
    kind: 'move',
    manifests: ['requirements*.txt'],
    cache: '/root/.cache/pip',
  },
  {
    name: 'poetry',
    install: (c) => named(c, 'poetry') && sub(c, 'install') && has(c, '--no-root'),
    kind: 'move',
    manifests: ['pyproject.toml', 'poetry.lock*'],
    cache: '/root/.cache/pypoetry',
  },
  {
    // Without --no-root it installs the project too, which needs the sources.
    name: 'poetry-project',
    install: (c) => named(c, 'poetry') && sub(c, 'install') && !has(c, '--only-root', '--no-root'),
    kind: 'fetch',
    manifests: ['pyproject.toml', 'poetry.lock*'],
    fetch: (_c, link) => `${link} --no-root`,
    cache: '/root/.cache/pypoetry',
  },
  {
    name: 'uv',
    install: (c) => named(c, 'uv') && sub(c, 'sync') && has(c, '--no-install-project'),
    kind: 'move',
    manifests: ['pyproject.toml', 'uv.lock*'],
    cache: '/root/.cache/uv',
  },
  {
    name: 'uv-project',
    install: (c) => named(c, 'uv') && sub(c, 'sync') && !has(c, '--no-install-project'),
    kind: 'fetch',
    manifests: ['pyproject.toml', 'uv.lock*'],
    fetch: (_c, link) => `${link} --no-install-project`,
    cache: '/root/.cache/uv',
  },
  {
    name: 'pipenv',
    install: (c) => named(c, 'pipenv') && sub(c, 'install', 'sync'),
    kind: 'move',
    manifests: ['Pipfile', 'Pipfile.lock*'],
    cache: '/root/.cache/pipenv',
  },
  {
    name: 'go',
    install: (c) => named(c, 'go') && sub(c, 'mod') && positional(c)[1] === 'download',
    kind: 'move',
    manifests: ['go.mod', 'go.sum*'],
    cache: '/go/pkg/mod',
  },
  {
    name: 'go-build',
    install: (c) => named(c, 'go') && sub(c, 'build', 'install') && !positional(c).some((a) => a.includes('@')),
    kind: 'fetch',
    manifests: ['go.mod', 'go.sum*'],
    fetch: () => 'go mod download',
    cache: '/go/pkg/mod',
  },
  {
    name: 'bundler',
    install: (c) => named(c, 'bundle') && (positional(c).length === 0 || sub(c, 'install')),
    kind: 'move',
    manifests: ['Gemfile', 'Gemfile.lock*'],
    cache: null,
  },
  {
    name: 'composer',
    install: (c) => named(c, 'composer') && sub(c, 'install') && has(c, '--no-scripts') && has(c, '--no-autoloader'),
    kind: 'move',
    manifests: ['composer.json', 'composer.lock*'],
    cache: '/root/.cache/composer',
  },
  {
    // Its scripts and autoloader read the sources: the packages alone first, the original after them.
    name: 'composer-project',
    install: (c) => named(c, 'composer') && sub(c, 'install'),
    kind: 'fetch',
    manifests: ['composer.json', 'composer.lock*'],
    fetch: () => 'composer install --no-scripts --no-autoloader --no-interaction',
    cache: '/root/.cache/composer',
  },
  {
    name: 'maven',
    install: (c) => mvn(c) && c.args.some((a) => a.startsWith('dependency:go-offline')),
    kind: 'move',
    manifests: ['pom.xml'],
    cache: '/root/.m2',
  },
  {
    name: 'cargo',
    install: (c) => named(c, 'cargo') && sub(c, 'build'),
    kind: 'fetch',
    manifests: ['Cargo.toml', 'Cargo.lock*'],
    fetch: () => 'cargo fetch',
    cache: '/usr/local/cargo/registry',
  },
  {
    name: 'maven-build',
    install: (c) => mvn(c) && c.args.some((a) => /^(?:package|install|verify)$/.test(a)),
    kind: 'fetch',
    manifests: ['pom.xml'],
    fetch: (c) => `${c.name === 'mvnw' ? './mvnw' : 'mvn'} -B dependency:go-offline`,
    cache: '/root/.m2',
  },
  {
    name: 'gradle',
    install: (c) => gradle(c) && c.args.some((a) => /^(?:build|assemble|bootJar|jar|installDist|shadowJar)$/.test(a)),
    kind: 'fetch',
    manifests: ['build.gradle*', 'settings.gradle*', 'gradle.properties*'],
    fetch: (c) => `${c.name === 'gradlew' ? './gradlew' : 'gradle'} dependencies --no-daemon`,
    cache: '/root/.gradle',
  },
];

/** The ecosystem of the first dependency install among the commands, if any. */
export function ecosystemOf(commands: ShellCommand[]): { eco: Ecosystem; command: ShellCommand } | null {
  for (const command of commands) {
    const eco = installOf(command);
    if (eco) return { eco, command };
  }
  return null;
}

// Every rule asks what a command is, often of the same command (parses are shared by text): each is read once.
const installs = new WeakMap<ShellCommand, Ecosystem | null>();
const classes = new WeakMap<ShellCommand, CommandClass>();

/** The ecosystem whose install the command is, if any. */
function installOf(c: ShellCommand): Ecosystem | null {
  let eco = installs.get(c);
  if (eco === undefined) installs.set(c, (eco = ECOSYSTEMS.find((e) => e.install(c)) ?? null));
  return eco;
}

/** The requirements files a pip install names (`-r requirements/prod.txt`), to copy them exactly. */
export function pipRequirements(c: ShellCommand): string[] {
  const out: string[] = [];
  c.args.forEach((a, i) => {
    if ((a === '-r' || a === '--requirement') && c.args[i + 1]) out.push(c.args[i + 1]);
    else if (/^(?:-r|--requirement=)\S/.test(a)) out.push(a.replace(/^(?:-r|--requirement=)/, ''));
  });
  return out;
}

// ---- Classes of commands: what a step costs when it re-runs --------------------------------------------------

export type CommandClass = 'dependencies' | 'system' | 'download' | 'compile' | 'trivial' | 'other';

/** Commands that cost next to nothing: never worth moving or splitting a RUN for. */
const TRIVIAL = new Set([
  'echo',
  'printf',
  'mkdir',
  'cp',
  'mv',
  'ln',
  'chmod',
  'chown',
  'chgrp',
  'ls',
  'true',
  'false',
  ':',
  'env',
  'export',
  'cat',
  'touch',
  'rm',
  'set',
  'cd',
  'pwd',
  'test',
  '[',
  'whoami',
  'id',
  'useradd',
  'adduser',
  'groupadd',
  'addgroup',
  'usermod',
  'sed',
  'tee',
  'install',
  'rmdir',
  'unset',
  'umask',
  'date',
  'uname',
  'ldconfig',
  'update-ca-certificates',
]);

const SYSTEM_PM: Record<string, string[]> = {
  'apt-get': ['install', 'update', 'upgrade', 'dist-upgrade', 'build-dep'],
  apt: ['install', 'update', 'upgrade', 'full-upgrade'],
  aptitude: ['install', 'update'],
  yum: ['install', 'update', 'upgrade', 'groupinstall'],
  dnf: ['install', 'update', 'upgrade'],
  microdnf: ['install', 'update', 'upgrade'],
  zypper: ['install', 'in', 'refresh', 'update'],
  apk: ['add', 'update', 'upgrade'],
  pacman: ['-S', '-Syu', '-Sy'],
};

/** An install or update of system packages (apt, apk, yum...). */
export function isSystemInstall(c: ShellCommand): boolean {
  const subs = SYSTEM_PM[c.name];
  if (!subs) return false;
  return c.args.some((a) => subs.includes(a));
}

/** Tools installed from a registry, not from the project's manifests (`pip install poetry`, `npm i -g pnpm`). */
function isToolInstall(c: ShellCommand): boolean {
  if (named(c, 'pip', 'pip3', 'pipx') && sub(c, 'install'))
    return (
      !has(c, '-r', '--requirement', '-e', '--editable') &&
      !positional(c)
        .slice(1)
        .some((a) => /^\.|\//.test(a))
    );
  if (named(c, 'npm', 'pnpm') && has(c, '-g', '--global')) return true;
  if (named(c, 'yarn') && sub(c, 'global')) return true;
  if (named(c, 'gem') && sub(c, 'install')) return true;
  if (named(c, 'cargo') && sub(c, 'install')) return true;
  if (named(c, 'go') && sub(c, 'install') && positional(c).some((a) => a.includes('@'))) return true;
  if (named(c, 'dotnet') && sub(c, 'tool')) return true;
  if (named(c, 'corepack') && sub(c, 'prepare', 'install')) return true;
  return false;
}

const DOWNLOADS = new Set(['curl', 'wget', 'aria2c']);
const COMPILES = new Set(['make', 'cmake', 'ninja', 'gcc', 'g++', 'cc', 'clang', 'rustc', 'javac', 'tsc', 'msbuild']);

export function classify(c: ShellCommand): CommandClass {
  let k = classes.get(c);
  if (k === undefined) classes.set(c, (k = classOf(c)));
  return k;
}

function classOf(c: ShellCommand): CommandClass {
  if (installOf(c) || fetchesDependencies(c)) return 'dependencies';
  if (isSystemInstall(c) || isToolInstall(c)) return 'system';
  if (DOWNLOADS.has(c.name) || (c.name === 'git' && sub(c, 'clone', 'fetch', 'submodule'))) return 'download';
  if (COMPILES.has(c.name)) return 'compile';
  if (named(c, 'go', 'cargo', 'dotnet') && sub(c, 'build', 'publish', 'test', 'install')) return 'compile';
  if (mvn(c) || gradle(c)) return 'compile';
  if (named(c, 'npm', 'yarn', 'pnpm') && sub(c, 'run', 'build')) return 'compile';
  if (TRIVIAL.has(c.name)) return 'trivial';
  return 'other';
}

/** Seconds a step of this class costs when it re-runs, without a measurement: a rough, conservative guess. */
export const CLASS_SECONDS: Record<CommandClass, number> = {
  dependencies: 30,
  system: 20,
  compile: 30,
  download: 5,
  other: 1,
  trivial: 0.1,
};

/** What the commands would cost to re-run, by their classes (the sum of their estimates). */
export function estimateSeconds(commands: ShellCommand[]): number {
  return commands.reduce((sum, c) => sum + CLASS_SECONDS[classify(c)], 0);
}

/** Commands that set up the system and never read the application's files (installs, downloads, trivial ones). */
export function isSetup(c: ShellCommand): boolean {
  const k = classify(c);
  if (k === 'system' || k === 'download') return true;
  // Trivial commands set up the system when every path they touch is absolute (`mkdir -p /app`).
  return k === 'trivial' && c.name !== 'cat' && positional(c).every((a) => a.startsWith('/') || !/[/.]/.test(a));
}
