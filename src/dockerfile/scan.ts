// Where each instruction of a Dockerfile starts and ends, found without building dockerfile-ast's objects for
// every word (two thirds of reading a long Dockerfile went to them, and RUN's words are read by nobody). It
// follows dockerfile-ast's own parser (lib/parser.js: parse, processInstruction, processArguments), so the
// ranges are its ranges; a test holds the two to the same answers on every fixture and on generated files.

/** One instruction: its keyword as written, and the offsets of its first character and of where it ends. */
export interface ScannedInstruction {
  keyword: string;
  /** Offset of the keyword's first character. */
  start: number;
  /** Offset of the line break that ends it, or the text's length. */
  end: number;
}

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const HASH = 35;
const BACKSLASH = 92;

/**
 * The instructions of a Dockerfile in order; null for a file that uses what only dockerfile-ast reads: a parser
 * directive (which may set another escape character), here-documents, carriage returns, a byte-order mark, or
 * an escape inside a keyword. Those files are parsed by dockerfile-ast alone.
 */
export function scanInstructions(text: string): ScannedInstruction[] | null {
  if (text.includes('\r') || text.includes('<<') || text.charCodeAt(0) === 0xfeff || !plainDirectives(text))
    return null;
  const out: ScannedInstruction[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB || c === NEWLINE) continue;
    if (c === HASH) {
      i = lineEnd(text, i);
      continue;
    }
    // The keyword: up to a blank or a line break.
    let k = i + 1;
    for (; k < n; k++) {
      const d = text.charCodeAt(k);
      if (d === SPACE || d === TAB || d === NEWLINE) break;
      if (d === BACKSLASH) return null;
    }
    const d = k < n ? text.charCodeAt(k) : NEWLINE;
    const end = d === NEWLINE ? k : argumentsEnd(text, k);
    out.push({ keyword: text.slice(i, k), start: i, end });
    i = end;
  }
  return out;
}

/**
 * True when the comment lines that open the file (where parser directives are) set no escape character and
 * hold one `#` each: dockerfile-ast then skips them as directives exactly as it would skip them as comments.
 */
function plainDirectives(text: string): boolean {
  for (const line of text.split('\n', 64)) {
    if (!/^[ \t]*#/.test(line)) return true;
    if (/escape/i.test(line) || line.indexOf('#') !== line.lastIndexOf('#')) return false;
  }
  return false;
}

/** The offset of the line break ending the line at `i` (the text's length on the last line). */
function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl;
}

/** Where the arguments that follow the blank at `from` end: dockerfile-ast's processArguments, step for step. */
function argumentsEnd(text: string, from: number): number {
  const n = text.length;
  let escaped = false;
  args: for (let i = from + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case NEWLINE:
        if (escaped) continue;
        return i;
      case BACKSLASH: {
        const next = text.charCodeAt(i + 1);
        if (next === NEWLINE) {
          escaped = true;
          i++;
        } else if (next === SPACE || next === TAB) {
          for (let j = i + 2; j < n; j++) {
            const w = text.charCodeAt(j);
            if (w === SPACE || w === TAB) continue;
            // A line break after the blanks continues the line; any other character is skipped, as there.
            if (w === NEWLINE) escaped = true;
            i = j;
            continue args;
          }
          return n;
        }
        continue;
      }
      case HASH:
        // A comment line inside a continued instruction is no part of it, nor its end.
        if (escaped) i = lineEnd(text, i);
        continue;
      case SPACE:
      case TAB:
        continue;
      default:
        escaped = false;
    }
  }
  return n;
}
