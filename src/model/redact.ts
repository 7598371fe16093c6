/** Values shorter than this are not redacted: they cannot be told apart from ordinary text. */
export const MIN_REDACTED_LENGTH = 3;
export const MASK = '***';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes values the user passed (build-arg values, secrets) from any text: as written, and as
 * they appear inside JSON strings (BuildKit's rawjson escapes `&`, `<`, `>` and quotes).
 */
export class Redactor {
  private readonly pattern: RegExp | null;
  /** Values too short to redact safely (the caller warns about them). */
  readonly tooShort: string[];

  constructor(values: string[]) {
    const usable = [...new Set(values)].filter((v) => v.length >= MIN_REDACTED_LENGTH);
    this.tooShort = values.filter((v) => v.length > 0 && v.length < MIN_REDACTED_LENGTH);
    const forms = new Set<string>();
    for (const v of usable) {
      forms.add(v);
      const json = JSON.stringify(v).slice(1, -1);
      forms.add(json);
      forms.add(json.replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e'));
    }
    const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = sorted.length ? new RegExp(sorted.join('|'), 'g') : null;
  }

  get active(): boolean {
    return this.pattern !== null;
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, MASK) : value;
  }

  /** A deep copy of a JSON-like value with every string redacted (keys included). */
  deep<T>(value: T): T {
    if (!this.pattern) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.walk(v)]));
    }
    return value;
  }
}
