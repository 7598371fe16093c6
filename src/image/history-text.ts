// What BuildKit 0.8 writes into an image's history for each Dockerfile instruction, and whether
// an entry is the one an instruction made. Learnt from real builds (fixtures/image/README.md):
// - RUN, COPY, ADD: a layer, even of 0 bytes; `RUN [|N K=v ...] <shell> <command> # buildkit`
//   (shell form; exec form without the shell), `COPY <src...> <dest> # buildkit` with the flags
//   (--from, --chown) dropped and variables expanded; `--mount` is dropped from RUN.
// - WORKDIR: `WORKDIR <path>` (relative paths resolved, variables expanded); a layer, except
//   `WORKDIR /`, which makes no layer and is no numbered step.
// - ENV, ARG, LABEL, CMD, ENTRYPOINT, EXPOSE, VOLUME, USER, STOPSIGNAL, HEALTHCHECK, SHELL,
//   MAINTAINER: config only, an empty layer, 0 bytes. ONBUILD and ARGs before the first FROM
//   write no entry at all.
import { posix } from 'node:path';
import type { DockerfileInstruction } from '../dockerfile/parse.js';

const METADATA = new Set([
  'ENV',
  'ARG',
  'LABEL',
  'CMD',
  'ENTRYPOINT',
  'EXPOSE',
  'VOLUME',
  'USER',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
  'MAINTAINER',
  'ONBUILD',
]);
const BUILDKIT_SUFFIX = ' # buildkit';
const DEFAULT_SHELL = '/bin/sh -c';

/** `layer`: a RUN/COPY/ADD/WORKDIR of BuildKit's; `metadata`: a config-only entry; `foreign`: anything else (a base image's). */
export type EntryKind = 'layer' | 'metadata' | 'foreign';

export interface ReadEntry {
  kind: EntryKind;
  keyword: string | null;
  /** The text after the keyword, without BuildKit's ` # buildkit` marker. */
  body: string;
}

export function readEntry(createdBy: string): ReadEntry {
  const m = /^([A-Z]+)(?: ([\s\S]*))?$/.exec(createdBy);
  if (!m) return { kind: 'foreign', keyword: null, body: createdBy };
  const keyword = m[1];
  const rest = m[2] ?? '';
  if (METADATA.has(keyword)) return { kind: 'metadata', keyword, body: rest };
  if (keyword === 'WORKDIR') return { kind: rest === '/' ? 'metadata' : 'layer', keyword, body: rest };
  if (['RUN', 'COPY', 'ADD'].includes(keyword) && rest.endsWith(BUILDKIT_SUFFIX)) {
    return { kind: 'layer', keyword, body: rest.slice(0, -BUILDKIT_SUFFIX.length) };
  }
  return { kind: 'foreign', keyword: null, body: createdBy };
}

/**
 * Whether an entry made no layer. `docker history` and the Engine API drop the config's
 * `empty_layer` flag, so: bytes mean a layer; BuildKit's metadata entries never make one; the
 * classic builder's `#(nop)` entries make one only for ADD/COPY.
 */
export function inferEmptyLayer(createdBy: string, sizeBytes: number): boolean {
  if (sizeBytes > 0) return false;
  const entry = readEntry(createdBy);
  if (entry.kind !== 'foreign') return entry.kind === 'metadata';
  const nop = /#\(nop\)\s+(\w+)/.exec(createdBy);
  return nop !== null && !['ADD', 'COPY'].includes(nop[1]);
}

/** The shell each entry's RUN ran under (SHELL entries change it for the entries after them). */
export function shellsOf(createdBy: string[]): string[] {
  let shell = DEFAULT_SHELL;
  return createdBy.map((text) => {
    const current = shell;
    const m = /^SHELL \[(.*)\]$/.exec(text) ?? /#\(nop\)\s+SHELL \[(.*)\]/.exec(text);
    if (m) shell = m[1];
    return current;
  });
}

/** Spaces are dropped before comparing: BuildKit keeps a continuation's indentation, the parser collapses it. */
const squash = (s: string): string => s.replace(/\s+/g, '');

/** The instruction's arguments without its keyword and leading `--flag[=value]` options. */
function argsOf(inst: DockerfileInstruction): string {
  return inst.text
    .replace(/^\S+\s*/, '')
    .replace(/^(?:--[A-Za-z][\w-]*(?:=\S*)?\s+)*/, '')
    .trim();
}

/** The JSON (exec) form's items, or null for the shell form (BuildKit falls back the same way). */
function jsonForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const list: unknown = JSON.parse(args);
    return Array.isArray(list) && list.every((i) => typeof i === 'string') ? list : null;
  } catch {
    return null;
  }
}

/** A matcher where `$VAR` / `${VAR...}` stand for anything (BuildKit expands them in COPY/ADD/WORKDIR). */
function withVariables(text: string): RegExp {
  const parts = squash(text).split(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `|N K=v ...` in front of the command: the build args in scope (values in clear). */
function endsAfterArgs(body: string, expected: string): boolean {
  const b = squash(body);
  const e = squash(expected);
  return b === e || (body.startsWith('|') && b.endsWith(e));
}

function runMatches(body: string, inst: DockerfileInstruction, shell: string): boolean {
  const args = argsOf(inst);
  const exec = jsonForm(args);
  return endsAfterArgs(body, exec ? exec.join(' ') : `${shell} ${args}`);
}

function copyMatches(body: string, inst: DockerfileInstruction): boolean {
  const args = argsOf(inst);
  const expected = jsonForm(args)?.join(' ') ?? args;
  return expected.includes('$') ? withVariables(expected).test(squash(body)) : squash(body) === squash(expected);
}

function workdirMatches(body: string, inst: DockerfileInstruction): boolean {
  const arg = argsOf(inst);
  if (arg.includes('$') || arg.includes('..')) return true; // resolved by BuildKit: only the keyword can be checked
  if (arg.startsWith('/')) return body === arg;
  return body.endsWith(`/${posix.normalize(arg).replace(/\/$/, '')}`);
}

/**
 * Null when the entry is the one the instruction made, else why not. `shell` is the shell in
 * force at the entry (shellsOf). The reason never quotes the entry: it may hold build-arg values.
 */
export function mismatch(entry: ReadEntry, inst: DockerfileInstruction, shell: string): string | null {
  if (entry.kind !== 'layer') return `the history has no layer entry for this ${inst.keyword}`;
  if (entry.keyword !== inst.keyword)
    return `the history has a ${entry.keyword} where the Dockerfile has ${inst.keyword}`;
  const same =
    entry.keyword === 'RUN'
      ? runMatches(entry.body, inst, shell)
      : entry.keyword === 'WORKDIR'
        ? workdirMatches(entry.body, inst)
        : copyMatches(entry.body, inst);
  return same ? null : `the history's ${entry.keyword} is not this instruction's`;
}
