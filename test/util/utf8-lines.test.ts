// Decoding and splitting bytes cut anywhere: the same text and lines as the whole input read at once, whether a
// piece is ASCII (copied as Latin-1), ends inside a character, or holds invalid UTF-8.
import fc from 'fast-check';
import { DECODE_BYTES, LineSplitter } from '../../src/util/lines.js';
import { Utf8Pieces } from '../../src/util/utf8.js';

/** Bytes made mostly of ASCII runs, with multi-byte characters, CRs, ESCs and invalid bytes among them. */
const bytesArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[ -~\n]{0,40}$/).map((s) => Buffer.from(s, 'latin1')) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => Buffer.from(s, 'utf8')) },
      { weight: 1, arbitrary: fc.constantFrom('\r\n', '\u001b[31m', '\n\n').map((s) => Buffer.from(s, 'latin1')) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => Buffer.from(b)) },
    ),
    { maxLength: 30 },
  )
  .map((parts) => Buffer.concat(parts));

/** The input cut at these offsets. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  return pieces;
}

test('Utf8Pieces: pieces cut anywhere decode to the whole input’s text', () => {
  fc.assert(
    fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), (bytes, at) => {
      const d = new Utf8Pieces();
      const text = cut(bytes, at)
        .map((p) => d.write(p))
        .join('');
      expect(text + d.end()).toBe(bytes.toString('utf8'));
    }),
    { numRuns: 500 },
  );
});

test('LineSplitter: pieces cut anywhere give the lines of the whole input', () => {
  const lines = (pieces: Uint8Array[]) => {
    const out: string[] = [];
    const s = new LineSplitter((line) => out.push(line));
    for (const p of pieces) s.push(p);
    s.end();
    return out;
  };
  fc.assert(
    fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 8 }), (bytes, at) => {
      const whole = bytes.toString('utf8');
      // A last line is one when anything follows the last line break (a lone CR too: an empty line).
      const raw = whole.split('\n');
      if (raw[raw.length - 1] === '') raw.pop();
      const expected = raw.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
      // As Buffers, and as bare Uint8Array views (what a web stream gives).
      expect(lines(cut(bytes, at))).toEqual(expected);
      expect(lines(cut(bytes, at).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.length)))).toEqual(expected);
    }),
    { numRuns: 500 },
  );
});

test('LineSplitter: a CR alone after the last line break is an empty last line', () => {
  const out: string[] = [];
  const s = new LineSplitter((line) => out.push(line));
  s.push(Buffer.from('a\n\r'));
  s.end();
  expect(out).toEqual(['a', '']);
});

test('LineSplitter with a byte handler: the lines it reads and the ones it leaves are the whole input’s, in order', () => {
  // The handler reads lines that start with `#` (bytes, where they lie) and leaves the first other one.
  const lines = (pieces: Uint8Array[]) => {
    const out: string[] = [];
    const s = new LineSplitter({
      ranges: (text, start, end) => out.push(`text:${text.slice(start, end)}`),
      bytes: (bytes, start, limit) => {
        let at = start;
        for (let nl = bytes.indexOf(10, at); nl !== -1 && nl < limit && bytes[at] === 35; nl = bytes.indexOf(10, at)) {
          const end = nl > at && bytes[nl - 1] === 13 ? nl - 1 : nl;
          out.push(`bytes:${bytes.toString('utf8', at, end)}`);
          at = nl + 1;
        }
        return at;
      },
    });
    for (const p of pieces) s.push(p);
    s.end();
    return out;
  };
  const hashLines = fc
    .array(
      fc.oneof(
        bytesArb,
        fc.constantFrom('#1 0.5 a\n#2 x\r\n', '#3 \u001b[1mbold\n', '#4 ').map((t) => Buffer.from(t)),
      ),
      { maxLength: 8 },
    )
    .map((parts) => Buffer.concat(parts));
  fc.assert(
    fc.property(hashLines, fc.array(fc.nat(), { maxLength: 8 }), (bytes, at) => {
      const raw = bytes.toString('utf8').split('\n');
      if (raw[raw.length - 1] === '') raw.pop();
      const expected = raw.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
      const got = lines(cut(bytes, at));
      expect(got.map((l) => l.slice(l.indexOf(':') + 1))).toEqual(expected);
      // A line with an ESC is never read as bytes (it is decoded, its escapes left to the reader of text).
      for (const l of got) if (l.startsWith('bytes:')) expect(l).not.toContain('\u001b');
    }),
    { numRuns: 500 },
  );
});

test('LineSplitter: a read of many 64 KiB pieces, a character cut at every piece, gives the lines of its text', () => {
  // Lines of 2-, 3- and 4-byte characters, padded until a character straddles the end of every piece.
  const textOf = (pad: number) =>
    'x'.repeat(pad) + Array.from({ length: 3000 }, (_, i) => `${i % 10} ${'é…😀'.repeat(20)}`).join('\n');
  const straddles = (bytes: Buffer) => [1, 2, 3, 4].every((k) => (bytes[k * DECODE_BYTES] & 0xc0) === 0x80);
  const text = textOf(Array.from({ length: 200 }, (_, p) => p).find((p) => straddles(Buffer.from(textOf(p))))!);
  const bytes = Buffer.from(text);
  expect(straddles(bytes)).toBe(true);
  const out: string[] = [];
  const s = new LineSplitter((line) => out.push(line));
  s.push(bytes);
  s.end();
  expect(out).toEqual(text.split('\n'));
});
