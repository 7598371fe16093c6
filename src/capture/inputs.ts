/** The build inputs of run mode, with action.yml's names. */
export interface BuildInputs {
  context: string;
  file: string;
  target: string;
  'build-args': string[];
  tags: string[];
  platforms: string[];
  'cache-from': string[];
  'cache-to': string[];
  push: boolean;
  load: boolean;
  /** `KEY=value` lines: written to files and passed as `--secret id=KEY,src=FILE`, never as arguments. */
  secrets: string[];
  'extra-args': string[];
  docker: string;
}

/** One item a line (build-args, secrets: values may hold commas); blank lines and `#` comments dropped. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Items split on newlines and commas (tags, platforms, cache refs), as docker/build-push-action does. */
export function list(value: string): string[] {
  return lines(value).flatMap((l) =>
    l
      .split(',')
      .map((i) => i.trim())
      .filter(Boolean),
  );
}

/** Splits `--flag value "quoted value"` the way a shell would, without a shell. */
export function words(value: string): string[] {
  const out: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  for (const m of value.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  return out;
}

/** `KEY=value` → [KEY, value]; the value may contain `=`. */
export function keyValue(item: string): [string, string] | null {
  const eq = item.indexOf('=');
  return eq > 0 ? [item.slice(0, eq), item.slice(eq + 1)] : null;
}

/**
 * The items of a `build-args` or `secrets` input, as docker/build-push-action reads them: one a line, and a
 * multi-line value either as a quoted CSV field (`"KEY=line 1` … `line 2"`, `""` for a quote) or as a heredoc
 * (`KEY=<<EOF` … `EOF`). Blank lines and `#` comments between items are dropped.
 */
export function items(value: string, input: string): string[] {
  const src = value.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < src.length; i++) {
    const line = src[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const heredoc = /^([^=\s]+)=<<-?\s*(['"]?)([A-Za-z_][\w-]*)\2$/.exec(line);
    if (heredoc) {
      const end = src.findIndex((l, j) => j > i && l.trim() === heredoc[3]);
      if (end === -1)
        throw new Error(`'${input}' input: '${heredoc[1]}=<<${heredoc[3]}' is never closed by a line '${heredoc[3]}'`);
      out.push(`${heredoc[1]}=${src.slice(i + 1, end).join('\n')}`);
      i = end;
      continue;
    }
    if (!line.startsWith('"')) {
      out.push(line);
      continue;
    }
    // A quoted field: runs to the quote that is not doubled, across lines.
    const first = i + 1;
    let text = src[i].trimStart().slice(1);
    let field = '';
    for (;;) {
      const q = text.search(/"(?!")|""/);
      if (q === -1) {
        field += text;
        if (++i >= src.length) throw new Error(`'${input}' input: the quoted value of line ${first} is never closed`);
        field += '\n';
        text = src[i];
        continue;
      }
      field += text.slice(0, q);
      if (text.startsWith('""', q)) {
        field += '"';
        text = text.slice(q + 2);
        continue;
      }
      field += text.slice(q + 1).trim();
      break;
    }
    if (field) out.push(field);
  }
  return out;
}

/**
 * Every value the user passed that must never be published (build-arg values and secrets): each whole
 * value, and each line of a multi-line one (GitHub masks the job log line by line).
 */
export function sensitiveValues(inputs: Pick<BuildInputs, 'build-args' | 'secrets'>): string[] {
  return withLines([...inputs['build-args'], ...inputs.secrets].map((i) => keyValue(i)?.[1] ?? ''));
}

/** Values and, for multi-line ones, each of their lines trimmed; empty ones dropped. */
export function withLines(values: string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (v === '') continue;
    out.add(v);
    if (/[\r\n]/.test(v)) for (const l of v.split(/\r?\n|\r/)) if (l.trim()) out.add(l.trim());
  }
  return [...out];
}
