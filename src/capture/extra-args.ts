import { readFileSync, statSync } from 'node:fs';
import { keyValue, withLines } from './inputs.js';

/** Flags of `extra-args` whose value is (or leads to) something secret. */
const VALUE_FLAGS = new Set(['--build-arg', '--secret', '--ssh']);
/** A secret or key file read to mask its content: past this size it is not text anyone prints. */
const MAX_SECRET_FILE = 64 * 1024;

export interface ExtraArgSecretsOpts {
  env?: NodeJS.ProcessEnv;
  /** A file's text, or null when it cannot be read (tests inject one). */
  readText?: (path: string) => string | null;
}

function readSmallText(path: string): string | null {
  try {
    if (statSync(path).size > MAX_SECRET_FILE) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** `--flag value` and `--flag=value` pairs of an argument list, for the flags asked for. */
export function flagValues(args: string[], flags: Set<string>): { flag: string; value: string }[] {
  const out: { flag: string; value: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].indexOf('=');
    const flag = eq > 0 ? args[i].slice(0, eq) : args[i];
    if (!flags.has(flag)) continue;
    if (eq > 0) out.push({ flag, value: args[i].slice(eq + 1) });
    else if (i + 1 < args.length) out.push({ flag, value: args[++i] });
  }
  return out;
}

/** `id=x,src=/f` → { id: 'x', src: '/f' }; a bare word is `default` (ssh) or the id. */
function csvFields(spec: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const kv = keyValue(part);
    if (kv) fields[kv[0].trim().toLowerCase()] = kv[1];
    else if (part.trim()) fields[''] = part.trim();
  }
  return fields;
}

/**
 * What `extra-args` passes to the build that must never be published, as buildx reads it: the value of each
 * `--build-arg K=V` (or of the variable K for `--build-arg K`), the content of each `--secret` (its `src` file
 * or `env` variable, or the variable named by its id), and the key files of `--ssh id=path`. Multi-line values
 * give each of their lines too.
 */
export function extraArgSecrets(args: string[], opts: ExtraArgSecretsOpts = {}): string[] {
  const env = opts.env ?? process.env;
  const readText = opts.readText ?? readSmallText;
  const values: string[] = [];
  for (const { flag, value } of flagValues(args, VALUE_FLAGS)) {
    if (flag === '--build-arg') {
      const kv = keyValue(value);
      values.push(kv ? kv[1] : (env[value] ?? ''));
    } else if (flag === '--secret') {
      const f = csvFields(value);
      const src = f.src ?? f.source;
      if (src) values.push(readText(src) ?? '');
      else if (f.env) values.push(env[f.env] ?? '');
      else if (f.id ?? f['']) values.push(env[f.id ?? f['']] ?? '');
    } else {
      // --ssh default | id=path[,path]: the paths are key files or agent sockets.
      const eq = value.indexOf('=');
      const paths = eq > 0 ? value.slice(eq + 1).split(',') : [];
      for (const p of paths) values.push(readText(p) ?? '');
    }
  }
  return withLines(values);
}

/**
 * The build's argument list as the report shows it: a `--secret` or `--ssh` keeps its id and loses the
 * rest (file paths and variable names say where secrets live).
 */
export function publicArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (flag !== '--secret' && flag !== '--ssh') {
      out.push(a);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : (args[++i] ?? '');
    const f = csvFields(value);
    const id = f.id ?? f[''];
    const shown =
      flag === '--ssh' ? (value.includes('=') ? `${value.split('=')[0]}=***` : value) : id ? `id=${id},***` : '***';
    out.push(...(eq > 0 ? [`${flag}=${shown}`] : [flag, shown]));
  }
  return out;
}
