import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { batched, jsonPieces, writeJsonFile } from '../../src/util/json-stream.js';

const big = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s#${i}`, n: i, tags: i % 3 ? ['a'] : [] }));

describe('jsonPieces', () => {
  test.each([
    ['1 a scalar', 42],
    ['2 an empty array and object', { a: [], b: {} }],
    ['3 a large array of objects', big(500)],
    [
      '4 a large object with undefined, functions and nested large arrays',
      {
        ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i % 7 ? big(70) : undefined])),
        f: () => 1,
        d: new Date(0),
      },
    ],
    ['5 an array with undefined and functions', Array.from({ length: 100 }, (_, i) => (i % 2 ? undefined : () => i))],
  ])('%s: joined, the pieces are what JSON.stringify writes, indented or not', (_name, value) => {
    for (const space of [0, 2]) expect([...jsonPieces(value, space)].join('')).toBe(JSON.stringify(value, null, space));
  });

  test('any JSON value, indented or not, within arrays long enough to be written in pieces', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 3 }), (v, space) => {
        const value = Array.from({ length: 70 }, () => v);
        expect([...jsonPieces(value, space)].join('')).toBe(JSON.stringify(value, null, space));
      }),
      { numRuns: 200 },
    );
  });

  test('no piece holds more than one element of a long array', () => {
    const pieces = [...jsonPieces(big(10_000), 2)];
    expect(pieces.length).toBeGreaterThan(10_000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200);
  });

  test('nor of a long array deep inside an object of few keys (a root cause and its cascade)', () => {
    const value = {
      analysis: { rootCauses: [{ stepId: 's#2', cascade: Array.from({ length: 10_000 }, (_, i) => `s#${i}`) }] },
    };
    const pieces = [...jsonPieces(value, 2)];
    expect(pieces.join('')).toBe(JSON.stringify(value, null, 2));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200);
  });
});

test('batched: pieces gathered into strings of about the size asked, nothing lost', () => {
  const pieces = Array.from({ length: 1000 }, (_, i) => `${i},`);
  const chunks = [...batched(pieces, 100)];
  expect(chunks.join('')).toBe(pieces.join(''));
  expect(chunks.slice(0, -1).every((c) => c.length >= 100 && c.length < 110)).toBe(true);
});

test('writeJsonFile: the file holds JSON.stringify(value, null, 2) and a newline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bca-json-'));
  try {
    const value = { steps: big(3000), n: 1 };
    await writeJsonFile(join(dir, 'r.json'), value);
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    await expect(writeJsonFile(join(dir, 'missing', 'r.json'), value)).rejects.toThrow(/ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
