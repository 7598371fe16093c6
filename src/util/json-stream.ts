// JSON written in pieces: a report of a million steps is longer than the longest string V8 can
// hold, so `JSON.stringify(report, null, 2)` throws "Invalid string length". The pieces joined are
// byte for byte what JSON.stringify gives (same indentation, same key order, same `toJSON` and
// `undefined` rules for plain data), and no piece holds more than one array element or property.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** Arrays and objects with fewer entries than this are stringified whole (fast path). */
const WHOLE = 64;

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify would write for an object member or array element, or undefined (left out). */
function piece(value: unknown, indent: string, step: string): string | undefined {
  const text = JSON.stringify(value, null, step);
  return text === undefined ? undefined : text.replace(/\n/g, `\n${indent}`);
}

/**
 * True when `value` holds fewer than WHOLE entries in all, nested ones included: then it is stringified
 * whole. A few keys may hold a huge array (a root cause's cascade of a million step ids).
 */
function small(value: object): boolean {
  let left = WHOLE;
  const stack: object[] = [value];
  while (stack.length) {
    const v = stack.pop()!;
    const entries = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    left -= entries.length;
    if (left < 0) return false;
    for (const x of entries) if (isContainer(x)) stack.push(x);
  }
  return true;
}

function* walk(value: unknown, indent: string, step: string): Generator<string> {
  if (!isContainer(value) || small(value)) {
    yield piece(value, indent, step) ?? 'null';
    return;
  }
  const inner = indent + step;
  const nl = step ? '\n' : '';
  if (Array.isArray(value)) {
    yield `[${nl}${inner}`;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield `,${nl}${inner}`;
      const v = value[i] as unknown;
      // Array holes, functions and undefined are written as null, as JSON.stringify does.
      if (isContainer(v)) yield* walk(v, inner, step);
      else yield piece(v, inner, step) ?? 'null';
    }
    yield `${nl}${indent}]`;
    return;
  }
  let first = true;
  yield '{';
  for (const [k, v] of Object.entries(value)) {
    const text = isContainer(v) ? null : piece(v, inner, step);
    if (text === undefined) continue; // undefined and functions are left out of objects
    yield `${first ? '' : ','}${nl}${inner}${JSON.stringify(k)}:${step ? ' ' : ''}`;
    first = false;
    if (text === null) yield* walk(v, inner, step);
    else yield text;
  }
  yield first ? '}' : `${nl}${indent}}`;
}

/** The JSON text of `value` in pieces, as `JSON.stringify(value, null, space)` would write it. */
export function* jsonPieces(value: unknown, space = 0): Generator<string> {
  yield* walk(value, '', ' '.repeat(space));
}

/** Pieces gathered into strings of about `size` characters: fewer writes, none too long. */
export function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let buffer: string[] = [];
  let length = 0;
  for (const p of pieces) {
    buffer.push(p);
    length += p.length;
    if (length >= size) {
      yield buffer.join('');
      buffer = [];
      length = 0;
    }
  }
  if (length) yield buffer.join('');
}

/** Writes `value` as indented JSON and a final newline to a file, in pieces, waiting for the disk. */
export async function writeJsonFile(path: string, value: unknown, space = 2): Promise<void> {
  const out = createWriteStream(path);
  const done = finished(out);
  done.catch(() => {}); // awaited below; an early error (the folder is missing) must not go unhandled
  for (const chunk of batched(jsonPieces(value, space))) {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), done]);
  }
  out.end('\n');
  await done;
}
