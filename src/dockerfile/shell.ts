// The shell commands of a RUN, read with a real shell parser: tree-sitter's Bash grammar (web-tree-sitter,
// WebAssembly). A word inside a string, a comment or a here-document body is never a command; each command
// comes with its arguments unquoted and its `VAR=value` prefixes. The parser loads once (asynchronously);
// parsing is synchronous after that.
import { Language, Parser, type Node } from 'web-tree-sitter';
import { baselineWasmOnly, readBundledAsset } from '../util/wasm-assets.js';

/** File name in dist/ → the file in node_modules it is copied from (scripts/bundle.mjs copies the same). */
export const SHELL_ASSETS = {
  'tree-sitter.wasm': 'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-bash.wasm': 'tree-sitter-bash/tree-sitter-bash.wasm',
} as const;

/** One simple command: `FOO=1 npm ci --omit=dev` is `{ env: ['FOO'], name: 'npm', args: ['ci', '--omit=dev'] }`. */
export interface ShellCommand {
  name: string;
  args: string[];
  /** Names assigned in front of the command. */
  env: string[];
  /** The command as written (continuations joined, spaces collapsed). */
  text: string;
}

export interface ShellScript {
  /** Every command the script runs, in order (those in `$(...)`, `if`, loops and `sh -c '...'` too). */
  commands: ShellCommand[];
  /**
   * When the script is a plain chain `a && b && c` of simple commands: each link's text. Null for anything
   * else (`;`, `||`, pipes, redirections, control structures), which no rule splits.
   */
  chain: string[] | null;
  /** The parser could not read all of it (the commands found are still listed). */
  partial: boolean;
}

export interface Shell {
  parse(script: string): ShellScript;
  /** The parser's own reading, without the plain-words shortcut (what the shortcut is tested against). */
  parseWithTree(script: string): ShellScript;
}

/** An asset next to the bundle, else from node_modules. */
const asset = (name: keyof typeof SHELL_ASSETS) => readBundledAsset(name, SHELL_ASSETS[name]);

let loading: Promise<Shell> | null = null;

/** The shell parser (loaded once). */
export function loadShell(): Promise<Shell> {
  loading ??= (async () => {
    baselineWasmOnly();
    const runtime = await asset('tree-sitter.wasm');
    await Parser.init({ wasmBinary: runtime });
    const bash = await Language.load(await asset('tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(bash);
    return {
      parse: (script: string) => parseScript(parser, script),
      parseWithTree: (script: string) => parseTree(parser, script),
    };
  })();
  loading.catch(() => (loading = null));
  return loading;
}

const squeeze = (s: string) =>
  s
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The value of a word as the shell would see it, expansions kept as written. */
function unquote(node: Node): string {
  switch (node.type) {
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return node.text.slice(2, -1);
    case 'string':
      return node.text.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    case 'concatenation':
      return node.namedChildren.map((c) => (c ? unquote(c) : '')).join('');
    case 'word':
      return node.text.replace(/\\(.)/g, '$1');
    default:
      return node.text;
  }
}

// Commands that run the command after their own options: `sudo apt-get ...`, `env X=1 npm ci`.
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'time', 'nice', 'nohup', 'command', 'su-exec', 'gosu', 'xargs']);

function command(node: Node, shell: (s: string) => ShellScript, out: ShellCommand[]): void {
  const env: string[] = [];
  let name = '';
  const args: string[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'variable_assignment') env.push(child.childForFieldName('name')?.text ?? '');
    else if (child.type === 'command_name') name = unquote(child.firstNamedChild ?? child);
    else if (node.childForFieldName('name') && child.type !== 'comment' && !child.type.endsWith('redirect'))
      args.push(unquote(child));
  }
  commandOf(env, name, args, squeeze(node.text), shell, out);
}

/** A simple command's words as the rules read them: wrappers skipped, `python -m pip` is pip, `sh -c` read too. */
function commandOf(
  env: string[],
  name: string,
  args: string[],
  text: string,
  shell: (s: string) => ShellScript,
  out: ShellCommand[],
): void {
  let words = [name, ...args].filter((w, i) => i > 0 || w !== '');
  // A wrapper's options and assignments come before the command it runs.
  while (words.length && WRAPPERS.has(words[0].replace(/^.*\//, ''))) {
    words = words.slice(1);
    while (words.length && (words[0].startsWith('-') || /^\w+=/.test(words[0]))) {
      const w = words.shift()!;
      if (/^\w+=/.test(w)) env.push(w.split('=')[0]);
      else if (w === '-u' || w === '-g') words.shift();
    }
  }
  if (!words.length) return;
  const [first, ...rest] = words;
  const base = first.replace(/^.*\//, '');
  // `python -m pip install` is pip's install.
  if (/^python[\d.]*$/.test(base) && rest[0] === '-m' && rest[1]) {
    out.push({ name: rest[1], args: rest.slice(2), env, text });
    return;
  }
  out.push({ name: base, args: rest, env, text });
  // `sh -c '...'`: the string is a script of its own.
  if (/^(?:ba|da|a)?sh$/.test(base) && rest[0] === '-c' && rest[1]) out.push(...shell(rest[1]).commands);
}

function collect(node: Node, shell: (s: string) => ShellScript, out: ShellCommand[]): void {
  if (node.type === 'command') command(node, shell, out);
  // heredoc_body is data (and `command` nodes inside substitutions are visited as children).
  if (node.type === 'heredoc_body' || node.type === 'comment') return;
  for (const child of node.namedChildren) if (child) collect(child, shell, out);
}

/** `a && b && c` of simple commands, else null. */
function chainOf(root: Node): string[] | null {
  const top = root.namedChildren.filter((c) => c && c.type !== 'comment') as Node[];
  if (top.length !== 1) return null;
  const links: string[] = [];
  const walk = (n: Node): boolean => {
    if (n.type === 'command' || n.type === 'redirected_statement') {
      links.push(squeeze(n.text));
      const body = n.type === 'command' ? n : n.childForFieldName('body');
      return body?.type === 'command' && !n.descendantsOfType('heredoc_redirect').length;
    }
    if (n.type !== 'list') return false;
    const ops = n.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
    if (ops.some((o) => o !== '&&')) return false;
    return (n.namedChildren.filter((c) => c && c.type !== 'comment') as Node[]).every(walk);
  };
  return walk(top[0]) && links.length ? links : null;
}

// Words with no quoting, expansion, glob or operator character: the shell reads them as they are written.
const PLAIN_SCRIPT = /^[\w./=@%+,\- \t&<>]*$/;
const PLAIN_WORD = /^(?!=)(?!.*==)[\w./=@%+,-]+$/;
const PLAIN_NAME = /^[\w./][\w./@%+,-]*$/;
const ASSIGNMENT = /^([A-Za-z_]\w*)=/;
const REDIRECT = new Set(['>', '>>', '<']);
const RESERVED = new Set(
  'if then else elif fi case esac for select while until do done in function time coproc'.split(' '),
);

/**
 * The common case without the parser: a chain `a && b` of plain words, the first link optionally ending in
 * `> file`. Null for anything else (quotes, `$`, `;`, `|`, a lone `&`, newlines, reserved words), which the
 * parser reads. Parsing 10,000 RUNs with tree-sitter costs seconds; this costs milliseconds, and a test
 * holds it to tree-sitter's reading on every RUN of the fixtures.
 */
function parsePlainScript(script: string, shell: (s: string) => ShellScript): ShellScript | null {
  // A continuation with nothing after it leaves the script unfinished (tree-sitter marks it partial).
  if (/\\\r?\n\s*$/.test(script)) return null;
  const joined = script.replace(/\\\r?\n/g, ' ');
  if (!PLAIN_SCRIPT.test(joined)) return null;
  const links = joined.split('&&');
  const commands: ShellCommand[] = [];
  const chain: string[] = [];
  for (const link of links) {
    if (link.includes('&')) return null;
    const tokens = link.split(/[ \t]+/).filter(Boolean);
    const env: string[] = [];
    let i = 0;
    for (; i < tokens.length && tokens[i].includes('='); i++) {
      const m = ASSIGNMENT.exec(tokens[i]);
      if (!m || !PLAIN_WORD.test(tokens[i])) return null;
      env.push(m[1]);
    }
    const words: string[] = [];
    for (; i < tokens.length && !REDIRECT.has(tokens[i]); i++) {
      if (!PLAIN_WORD.test(tokens[i]) || RESERVED.has(tokens[i])) return null;
      words.push(tokens[i]);
    }
    const end = i;
    // tree-sitter reads `a && b > f` as the whole list redirected: a redirect only in the first link.
    if (end < tokens.length && chain.length) return null;
    for (; i < tokens.length; i += 2)
      if (!REDIRECT.has(tokens[i]) || !PLAIN_WORD.test(tokens[i + 1] ?? '') || RESERVED.has(tokens[i + 1])) return null;
    if (!words.length || !PLAIN_NAME.test(words[0])) return null;
    commandOf(env, words[0], words.slice(1), tokens.slice(0, end).join(' '), shell, commands);
    chain.push(tokens.join(' '));
  }
  return { commands, chain, partial: false };
}

function parseScript(parser: Parser, script: string): ShellScript {
  const inner = (s: string) => parseScript(parser, s);
  const plain = parsePlainScript(script, inner);
  if (plain) return plain;
  return parseTree(parser, script);
}

/** The script as tree-sitter reads it. */
function parseTree(parser: Parser, script: string): ShellScript {
  const tree = parser.parse(script);
  if (!tree) return { commands: [], chain: null, partial: true };
  try {
    const commands: ShellCommand[] = [];
    const inner = (s: string) => parseTree(parser, s);
    collect(tree.rootNode, inner, commands);
    return { commands, chain: chainOf(tree.rootNode), partial: tree.rootNode.hasError };
  } finally {
    tree.delete();
  }
}

/**
 * The shell script a RUN runs, from its source lines: without `RUN` and its `--flags`, without the comment
 * lines BuildKit drops from a continued instruction; `RUN <<EOF` runs the here-document's body; the exec
 * form (`RUN ["npm", "ci"]`) is one command.
 */
export function runScript(source: string[]): string {
  const first = source[0].replace(/^\s*RUN\s+/i, '').replace(/^(?:--\S+\s+)+/, '');
  const rest = source.slice(1);
  const heredoc = /^<<-?\s*["']?(\w+)["']?\s*$/.exec(first.trim());
  if (heredoc) {
    const end = rest.findIndex((l) => l.trim() === heredoc[1]);
    return (end === -1 ? rest : rest.slice(0, end)).join('\n');
  }
  if (first.trimStart().startsWith('[')) {
    try {
      const argv: unknown = JSON.parse(squeeze([first, ...rest].join('\n')).replace(/\\$/, ''));
      if (Array.isArray(argv) && argv.every((a) => typeof a === 'string'))
        return argv.map((a: string) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    } catch {
      // not JSON: BuildKit runs it with the shell
    }
  }
  // Comment lines inside a continued instruction are dropped by the Dockerfile parser (not in a here-document).
  const body = first.includes('<<') ? rest : rest.filter((l) => !/^\s*#/.test(l));
  // RUN's flags can go on over continuation lines (`RUN --mount=a \` then `    --mount=b \`): not part of the script.
  return [first, ...body].join('\n').replace(/^(?:[ \t]*(?:\\\r?\n)?[ \t]*--\S+)+[ \t]*(?:\\\r?\n)?/, '');
}
