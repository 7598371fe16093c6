// The inline-cache round trip recorded against Debian's docker-registry (scripts/record-remote-cache.ts):
// what the report says about each import, plain and rawjson alike.
import { buildReport } from '../../src/pipeline/build-report.js';
import { parseText } from '../../src/progress/index.js';
import { cacheInputs } from '../../src/remote-cache/index.js';
import { readFileSync } from 'node:fs';
import { fixture } from '../support/fixtures.js';

const REF = 'localhost:5516/bca/rc:main';
const FORMATS = ['plain.log', 'rawjson'] as const;

function report(name: string, ext: string, inputs: Parameters<typeof cacheInputs> | null = null) {
  const parsed = parseText(readFileSync(fixture('recorded', `remote-cache-${name}.${ext}`)));
  return buildReport(parsed, { cacheInputs: inputs ? cacheInputs(...inputs) : null });
}

describe.each(FORMATS)('recorded remote cache (%s)', (ext) => {
  test('import that served every step: all cached steps, layers pulled', () => {
    const r = report('import-hit', ext);
    expect(r.failed).toBe(false);
    expect(r.remoteCache!.imports).toEqual([
      expect.objectContaining({ ref: REF, backend: 'registry', outcome: 'ok', error: null, errorKind: null }),
    ]);
    expect(r.remoteCache!.served.evidence).toBe('layers-pulled');
    expect([...r.remoteCache!.served.steps].sort()).toEqual(
      ['build#1', 'build#2', 'deps#2', 'deps#3', 'deps#4', 'stage-2#2', 'stage-2#3', 'stage-2#4'].sort(),
    );
    expect(r.remoteCache!.diagnoses).toEqual([]);
  });

  test('after an edit: the final stage hit while deps and build missed (the mode=min signature)', () => {
    const r = report('import-edit', ext);
    expect(r.remoteCache!.served).toEqual({ steps: ['stage-2#2'], evidence: 'layers-pulled' });
    expect(r.remoteCache!.diagnoses.map((d) => d.kind)).toEqual(['min-mode-stages-missed']);
    const d = r.remoteCache!.diagnoses[0];
    expect(d.message).toContain("'deps', 'build'");
    expect(d.evidence[0]).toBe('[stage-2 2/4] RUN sleep 1 && mkdir -p /app && echo base > /app/base  CACHED');
    expect(d.evidence[1]).toMatch(/^\[(deps|build) \d\/\d\] RUN sleep 1 /);
    expect(d.fix).toContain(`cache-to: type=registry,ref=${REF},mode=max`);
  });

  test('a cache-to of mode=max in the inputs silences the mode=min diagnosis', () => {
    const r = report('import-edit', ext, [[REF], [`type=registry,ref=${REF},mode=max`]]);
    expect(r.remoteCache!.diagnoses).toEqual([]);
    expect(r.remoteCache!.imports[0].input).toBe(`type=registry,ref=${REF}`);
  });

  test('wrong ref: the import failed, the build did not', () => {
    const r = report('import-wrong-ref', ext);
    expect(r.failed).toBe(false);
    expect(r.complete).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.remoteCache!.imports).toEqual([
      expect.objectContaining({
        ref: 'localhost:5516/bca/rc:nope',
        outcome: 'error',
        error: 'localhost:5516/bca/rc:nope: not found',
        errorKind: 'not-found',
      }),
    ]);
    expect(r.remoteCache!.served).toEqual({ steps: [], evidence: 'none' });
    expect(r.remoteCache!.diagnoses.map((d) => [d.kind, d.severity])).toEqual([['import-failed', 'warning']]);
    expect(r.remoteCache!.diagnoses[0].message).toContain('the build did not fail because of it');
  });

  test('registry down: unreachable, the build carried on', () => {
    const r = report('import-registry-down', ext);
    expect(r.failed).toBe(false);
    expect(r.remoteCache!.imports[0]).toEqual(
      expect.objectContaining({ ref: 'localhost:5519/bca/rc:main', outcome: 'error', errorKind: 'unreachable' }),
    );
    expect(r.remoteCache!.imports[0].error).toContain('connection refused');
    expect(r.remoteCache!.diagnoses.map((d) => d.kind)).toEqual(['import-failed']);
  });

  test('an image without cache metadata: the import succeeded and served nothing', () => {
    const r = report('import-no-metadata', ext);
    expect(r.remoteCache!.imports[0].outcome).toBe('ok');
    expect(r.remoteCache!.served).toEqual({ steps: [], evidence: 'none' });
    const [d] = r.remoteCache!.diagnoses;
    expect(d.kind).toBe('import-served-nothing');
    expect(d.message).toContain('without cache metadata');
    expect(d.evidence[1]).toMatch(/RUN sleep 1 .*\(ran, /);
  });

  test('the inline export: BuildKit 0.8 names it `exporting cache`; the build args tell it is inline', () => {
    const bare = report('export-inline', ext);
    expect(bare.remoteCache!.exports).toEqual([
      expect.objectContaining({ backend: 'unknown', mode: null, outcome: 'ok', layers: 0, error: null }),
    ]);
    const known = report('export-inline', ext, [[], [], null, ['BUILDKIT_INLINE_CACHE=1']]);
    expect(known.remoteCache!.exports[0]).toEqual(expect.objectContaining({ backend: 'inline', mode: 'min' }));
    expect(known.remoteCache!.exportShare).toBeLessThan(0.05);
  });
});

test('plain and rawjson agree on what each import did', () => {
  for (const name of ['import-hit', 'import-edit', 'import-wrong-ref', 'import-registry-down', 'import-no-metadata']) {
    const [plain, raw] = FORMATS.map((ext) => report(name, ext).remoteCache!);
    const shape = (rc: typeof plain) => ({
      imports: rc.imports.map((i) => [i.ref, i.outcome, i.errorKind]),
      served: [...rc.served.steps].sort(),
      diagnoses: rc.diagnoses.map((d) => d.kind),
    });
    expect(shape(raw)).toEqual(shape(plain));
  }
});
