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

/** Every value the user passed that must never be published (build-arg values and secrets). */
export function sensitiveValues(inputs: Pick<BuildInputs, 'build-args' | 'secrets'>): string[] {
  return [...inputs['build-args'], ...inputs.secrets].map((i) => keyValue(i)?.[1] ?? '').filter((v) => v !== '');
}
