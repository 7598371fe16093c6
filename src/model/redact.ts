/** Values shorter than this are not redacted: they cannot be told apart from ordinary text. */
export const MIN_REDACTED_LENGTH = 3;
export const MASK = '***';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes values the user passed (build-arg values, secrets) from any text: as written, as they
 * appear inside JSON strings (BuildKit's rawjson escapes `&`, `<`, `>` and quotes), and URL-encoded.
 */
export class Redactor {
  private readonly pattern: RegExp | null;
  /** Values too short to redact safely (the caller warns about them). */
  readonly tooShort: string[];
  /** Every form searched for, longest first. */
  readonly forms: readonly string[];

  constructor(values: string[]) {
    const usable = [...new Set(values)].filter((v) => v.length >= MIN_REDACTED_LENGTH);
    this.tooShort = values.filter((v) => v.length > 0 && v.length < MIN_REDACTED_LENGTH);
    const forms = new Set<string>();
    for (const v of usable) {
      forms.add(v);
      const json = JSON.stringify(v).slice(1, -1);
      forms.add(json);
      forms.add(json.replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e'));
      forms.add(encodeURIComponent(v));
    }
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    this.pattern = this.forms.length ? new RegExp(this.forms.map(escapeRegExp).join('|'), 'g') : null;
  }

  get active(): boolean {
    return this.pattern !== null;
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, MASK) : value;
  }

  /**
   * Length of the longest end of `text` that begins one of the forms (and is shorter than it): what must wait
   * for the text that follows before it can be published.
   */
  pendingLength(text: string): number {
    let best = 0;
    for (const f of this.forms) {
      for (let k = Math.min(f.length - 1, text.length); k > best; k--) {
        if (text.endsWith(f.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }

  /**
   * A deep copy of a JSON-like value with every string redacted (keys included), except the strings of `keep`
   * (the report's step ids and stage keys: a value that is also a stage name must not merge two ids into one).
   */
  deep<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
    if (!this.pattern) return value;
    return this.walk(value, keep) as T;
  }

  private walk(value: unknown, keep: ReadonlySet<string>): unknown {
    if (typeof value === 'string') return keep.has(value) ? value : this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v, keep));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [keep.has(k) ? k : this.text(k), this.walk(v, keep)]),
      );
    }
    return value;
  }
}

/** The strings a report uses as identifiers (step ids, stage keys and names): redaction leaves them whole. */
export function reportIds(report: {
  steps: { id: string; stageKey: string; stage: string | null }[];
  stages: { key: string; stage: string | null }[];
}): Set<string> {
  const ids = new Set<string>();
  for (const s of report.steps) for (const v of [s.id, s.stageKey, s.stage]) if (v) ids.add(v);
  for (const s of report.stages) for (const v of [s.key, s.stage]) if (v) ids.add(v);
  return ids;
}
