// The real-world precision set (fixtures/dockerfiles-real/): per shape a Dockerfile of our own and the
// manifests of its build context, labelled with the suggestions a maintainer would accept. Scores
// the rules' findings against the labels, per rule.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dockerfile } from '../../src/dockerfile/parse.js';

export interface Label {
  /** The public project(s) whose Dockerfile shows the shape. */
  shows: string;
  /** Rules a maintainer would accept on this file, one entry per finding. */
  expected: string[];
}

export interface Shape {
  name: string;
  dir: string;
  text: string;
  label: Label;
}

export function loadShapes(root: string): Shape[] {
  const labels = JSON.parse(readFileSync(join(root, 'labels.json'), 'utf8')) as Record<string, Label>;
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const missing = dirs.filter((d) => !labels[d]);
  if (missing.length) throw new Error(`unlabelled shapes: ${missing.join(', ')}`);
  return dirs.map((name) => ({
    name,
    dir: join(root, name),
    text: readFileSync(join(root, name, 'Dockerfile'), 'utf8'),
    label: labels[name],
  }));
}

export interface RuleScore {
  rule: string;
  labelled: number;
  fired: number;
  accepted: number;
  precision: number | null;
  recall: number | null;
}

/** Per rule: findings (rule ids, one per finding) against the labels of each shape. */
export function score(results: { shape: Shape; found: string[] }[]): RuleScore[] {
  const rules = new Set(results.flatMap((r) => [...r.found, ...r.shape.label.expected]));
  return [...rules].sort().map((rule) => {
    let labelled = 0;
    let fired = 0;
    let accepted = 0;
    for (const { shape, found } of results) {
      const want = shape.label.expected.filter((x) => x === rule).length;
      const got = found.filter((x) => x === rule).length;
      labelled += want;
      fired += got;
      accepted += Math.min(want, got);
    }
    return {
      rule,
      labelled,
      fired,
      accepted,
      precision: fired ? accepted / fired : null,
      recall: labelled ? accepted / labelled : null,
    };
  });
}

const ratio = (x: number | null) => (x === null ? '–' : x.toFixed(2));

export function table(title: string, scores: RuleScore[]): string {
  const rows = scores.map(
    (s) => `| ${s.rule} | ${s.labelled} | ${s.fired} | ${s.accepted} | ${ratio(s.precision)} | ${ratio(s.recall)} |`,
  );
  return [
    title,
    '',
    '| rule | labelled | fired | accepted | precision | recall |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

/** Seconds a cold build's step takes, roughly as a real one would: installs and builds are slow. */
function coldSeconds(text: string): number {
  if (!/^RUN\b/i.test(text)) return text.startsWith('FROM') ? 1.0 : 0.2;
  return /\b(install|add|build|download|fetch|cook|sync|publish|restore|package|go-offline|bootJar|make|curl|wget|upgrade|update|yarn|npm|pnpm|pip3?|bundle|cargo|go|mvnw?|gradle|composer|poetry|uv)\b/.test(
    text,
  )
    ? 30.0
    : 0.3;
}

/** A plain log of a cold build of the file: every step ran (a new builder), FROMs pulled. */
export function coldLog(parsed: Dockerfile): string {
  const blocks = ['#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s'];
  let n = 2;
  for (const stage of parsed.stages) {
    const label = stage.name ?? `stage-${stage.position}`;
    stage.steps.forEach((inst, i) => {
      const text = inst.keyword === 'FROM' ? `FROM docker.io/library/${stage.base}` : inst.text;
      blocks.push(`#${n} [${label} ${i + 1}/${stage.total}] ${text}\n#${n} DONE ${coldSeconds(inst.text).toFixed(1)}s`);
      n++;
    });
  }
  return `${blocks.join('\n\n')}\n`;
}
