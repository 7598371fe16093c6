import schema from './report.schema.json' with { type: 'json' };
import type { BuildReport } from './report.js';
// The schema compiled ahead of time (scripts/gen-validator.mjs): compiling it at start-up cost 250 ms a run.
import { validate } from './report-validator.js';

/** The report's JSON Schema (schemaVersion 1), as published in the README. */
export const REPORT_SCHEMA: object = schema;

/** Property names the schema declares: a path in a message names only these (never a key from the file). */
const KNOWN = new Set<string>();
(function collect(node: unknown): void {
  if (Array.isArray(node)) node.forEach(collect);
  else if (node && typeof node === 'object') {
    const props = (node as { properties?: Record<string, unknown> }).properties;
    if (props) for (const k of Object.keys(props)) KNOWN.add(k);
    Object.values(node).forEach(collect);
  }
})(schema);

/** A JSON pointer shown with only indexes and the schema's own names: `steps[3].seconds`. */
function fieldName(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra) parts.push(extra);
  let out = '';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else out += `${out ? '.' : ''}${KNOWN.has(p) ? p : '<key>'}`;
  }
  return out || 'the document';
}

/**
 * Checks a document against the report's schema. Returns null when it is a report, else why not, naming the
 * first bad field and what the schema wants there, never the document's content.
 */
export function reportProblem(value: unknown): string | null {
  if (validate(value)) return null;
  const e = validate.errors?.[0];
  if (!e) return 'not a report';
  const missing = e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
  if (missing) return `${fieldName(e.instancePath, missing)} is missing`;
  return `${fieldName(e.instancePath)} ${e.message ?? 'is not valid'}`;
}

export function isReport(value: unknown): value is BuildReport {
  return reportProblem(value) === null;
}
