import type { VertexLabel } from '../progress/types.js';

/** Stage key: target, platform and stage joined; `(default)` for an unnamed stage, `(external)` for unlabelled sources. */
export function stageKey(label: VertexLabel): string {
  const parts = [label.target, label.platform, label.stage].filter((p): p is string => p !== null);
  if (parts.length) return parts.join('/');
  return label.raw === null ? '(external)' : '(default)';
}

/**
 * A step id that stays the same across builds of the same Dockerfile: the stage key and the
 * step index (`deps#3`), or the instruction text where there is no index (`(external):FROM x`).
 * BuildKit's `#N` numbers are never used: they change with scheduling.
 */
export function stepId(label: VertexLabel): string {
  const stage = stageKey(label);
  return label.index !== null ? `${stage}#${label.index}` : `${stage}:${label.text}`;
}
