/** The parts of a step's label that its ids are made of (a parser's vertex label, or a report step). */
export interface LabelParts {
  /** The text between the brackets as printed, or null for an unlabelled name. */
  raw: string | null;
  target: string | null;
  platform: string | null;
  stage: string | null;
  index: number | null;
  text: string;
}

/** Stage key: target, platform and stage joined; `(default)` for an unnamed stage, `(external)` for unlabelled sources. */
export function stageKeyOf(
  parts: { target: string | null; platform: string | null; stage: string | null },
  labelled = true,
): string {
  // The parts that are there, joined by `/` (per step: no array made for it).
  let key: string | null = parts.target;
  if (parts.platform !== null) key = key === null ? parts.platform : `${key}/${parts.platform}`;
  if (parts.stage !== null) key = key === null ? parts.stage : `${key}/${parts.stage}`;
  return key ?? (labelled ? '(default)' : '(external)');
}

export function stageKey(label: LabelParts): string {
  return stageKeyOf(label, label.raw !== null);
}

/**
 * A step id that stays the same across builds of the same Dockerfile: the stage key and the
 * step index (`deps#3`), or the instruction text where there is no index (`(external):FROM x`).
 * BuildKit's `#N` numbers are never used: they change with scheduling.
 */
export function stepIdOf(key: string, index: number | null, text: string): string {
  return index !== null ? `${key}#${index}` : `${key}:${text}`;
}
