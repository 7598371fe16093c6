import type { VertexKind, VertexLabel } from './types.js';
import { kindOfRole, vertexRole } from './vertex-kind.js';

const INSTRUCTIONS = new Set([
  'FROM',
  'RUN',
  'COPY',
  'ADD',
  'WORKDIR',
  'ENV',
  'ARG',
  'USER',
  'EXPOSE',
  'LABEL',
  'CMD',
  'ENTRYPOINT',
  'SHELL',
  'VOLUME',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'ONBUILD',
  'MAINTAINER',
]);

// os/arch[/variant]: linux/amd64, linux/arm/v7, windows/amd64
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9.]+)?$/;
const STEP_INDEX = /^(\d+)\/(\d+)$/;
/** A step index or count; null past 2^53, where the digits no longer read exactly (or are Infinity). */
function stepNumber(digits: string): number | null {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

/** No bake targets known: one empty set for every call (a default `new Set()` was made once per vertex). */
const NO_TARGETS: ReadonlySet<string> = new Set();

function firstWord(text: string): string | null {
  const m = /^\S+/.exec(text);
  if (!m) return null;
  const word = m[0].toUpperCase();
  return INSTRUCTIONS.has(word) ? word : null;
}

/**
 * Splits a vertex name into its label parts. `targets` are names known to be bake/compose
 * target prefixes (seen as `[api internal]`), which decide whether a lone token is a target
 * or a stage.
 */
export function parseLabel(name: string, targets: ReadonlySet<string> = NO_TARGETS): VertexLabel {
  const label: VertexLabel = {
    raw: null,
    target: null,
    platform: null,
    stage: null,
    index: null,
    count: null,
    special: null,
    instruction: null,
    text: name,
  };
  if (name.startsWith('[')) {
    const close = name.indexOf(']');
    if (close > 0) {
      label.raw = name.slice(1, close);
      label.text = name.slice(close + 1).trimStart();
      assignTokens(label, tokensOf(label.raw), targets);
    }
  }
  label.instruction = firstWord(label.text);
  return label;
}

/** `raw.split(/\s+/).filter(Boolean)`, read char by char when only spaces separate (BuildKit's labels): once per vertex. */
export function tokensOf(raw: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 32) {
      if (i > start) out.push(raw.slice(start, i));
      start = i + 1;
    } else if (c < 32 || c === 0x85 || c === 0xa0 || c >= 0x1680) {
      return raw.split(/\s+/).filter(Boolean); // another kind of space, maybe: the regex knows them all
    }
  }
  if (raw.length > start) out.push(raw.slice(start));
  return out;
}

function assignTokens(label: VertexLabel, tokens: string[], targets: ReadonlySet<string>): void {
  const last = tokens[tokens.length - 1];
  const idx = last ? STEP_INDEX.exec(last) : null;
  let rest = tokens;
  if (idx) {
    label.index = stepNumber(idx[1]);
    label.count = stepNumber(idx[2]);
    rest = tokens.slice(0, -1);
  } else if (last === 'internal' || last === 'auth') {
    label.special = last;
    rest = tokens.slice(0, -1);
  }
  const names: string[] = [];
  for (const token of rest) {
    if (!label.platform && PLATFORM.test(token)) label.platform = token;
    else names.push(token);
  }
  if (label.special) {
    // `[api internal]`: the only name can be a target; platforms were taken above.
    label.target = names[0] ?? null;
    return;
  }
  if (names.length >= 2) {
    label.target = names[0];
    label.stage = names.slice(1).join(' ');
  } else if (names.length === 1) {
    // A known target prefix is the target on its steps and on its bookkeeping (`[api] exporting to image`).
    if (targets.has(names[0])) label.target = names[0];
    else label.stage = names[0];
  }
}

/**
 * Target prefixes revealed by a label: `[api internal]`, `[api linux/amd64 internal]`, `[api auth]`, and
 * a prefix on a bookkeeping vertex (`[api] exporting to image`, `[api] resolving provenance for metadata
 * file`): services that share one Dockerfile print their internal vertices once, so the others show
 * themselves only there.
 */
export function targetOf(label: VertexLabel, name = ''): string | null {
  if (label.special) return label.target;
  if (label.raw !== null && label.index === null && label.stage !== null && !label.stage.includes(' ')) {
    const role = vertexRole(name, label);
    if (role !== 'step' && role !== 'source') return label.stage;
  }
  return null;
}

export function classify(name: string, label: VertexLabel): VertexKind {
  return kindOfRole(vertexRole(name, label));
}
