import {
  diagnoseRemoteCache,
  evictionNote,
  usageDiagnosis,
  type DiagnoseOpts,
} from '../../src/remote-cache/diagnose.js';
import { cacheInputs } from '../../src/remote-cache/spec.js';
import type { CacheExport, CacheImport, Step } from '../../src/model/report.js';

function exp(over: Partial<CacheExport>): CacheExport {
  return {
    backend: 'gha',
    ref: 'api',
    mode: 'max',
    ignoreError: false,
    seconds: 120,
    preparingSeconds: 100,
    layers: 40,
    bytes: null,
    outcome: 'ok',
    error: null,
    errorKind: null,
    ...over,
  };
}

function opts(over: Partial<DiagnoseOpts>): DiagnoseOpts {
  return {
    steps: [],
    stages: [],
    imports: [],
    exports: [],
    basisSeconds: 200,
    exportShare: null,
    errors: [],
    failed: false,
    inputs: null,
    ...over,
  };
}

describe('diagnoseRemoteCache', () => {
  test('an export of 60% of the build: share, seconds, and a cache-to that writes less', () => {
    const [d] = diagnoseRemoteCache(opts({ exports: [exp({})] }));
    expect(d.kind).toBe('export-dominates');
    expect(d.message).toContain('took 120s, 60% of the build (100s preparing), writing 40 layers');
    expect(d.message).toContain('mode=min');
    expect(d.fix).toBe('cache-to: type=gha,scope=api,mode=min,compression=zstd,ignore-error=true');
  });

  test('a short export is not worth a word', () => {
    expect(diagnoseRemoteCache(opts({ exports: [exp({ seconds: 10 })] }))).toEqual([]);
  });

  test('a failed export with ignore-error=true already set: no "would have kept it green"', () => {
    const [d] = diagnoseRemoteCache(
      opts({
        exports: [exp({ seconds: 1, outcome: 'error', error: 'x 429', errorKind: 'throttled', ignoreError: true })],
      }),
    );
    expect(d.kind).toBe('export-failed');
    expect(d.ignoreErrorKeepsGreen).toBeNull();
  });

  test('a failed export beside a failed step: ignore-error would not have kept the build green', () => {
    const step = { id: 'a#1', name: '[a 1/1] RUN x', stageKey: 'a', status: 'error' } as DiagnoseOpts['steps'][number];
    const [d] = diagnoseRemoteCache(
      opts({ steps: [step], exports: [exp({ seconds: 1, outcome: 'error', error: 'x', errorKind: 'other' })] }),
    );
    expect(d.ignoreErrorKeepsGreen).toBe(false);
  });

  test('several jobs (report-id) writing the default gha scope', () => {
    const inputs = cacheInputs(['type=gha'], ['type=gha,mode=max'], 'worker');
    const [d] = diagnoseRemoteCache(opts({ inputs }));
    expect(d.kind).toBe('shared-scope');
    expect(d.evidence).toEqual(['cache-to: type=gha,mode=max', 'report-id: worker']);
    expect(d.fix).toBe('cache-from: type=gha,scope=buildkit-worker\ncache-to: type=gha,scope=buildkit-worker,mode=max');
  });

  test("a pull request's gha export: stored under its own ref, readable by no other", () => {
    const inputs = cacheInputs([], ['type=gha,scope=api,mode=max'], null, [], 'refs/pull/7/merge');
    const [d] = diagnoseRemoteCache(opts({ inputs, exports: [exp({ seconds: 5 })] }));
    expect(d.kind).toBe('pr-scoped-export');
    expect(d.severity).toBe('info');
    expect(d.evidence).toEqual(['exporting to GitHub Actions Cache  5s', 'GITHUB_REF=refs/pull/7/merge']);
    expect(d.fix).toMatch(/^cache-to: type=gha,scope=api,mode=max {2}# on pushes to the default branch/);
    expect(
      diagnoseRemoteCache(opts({ inputs: { ...inputs, gitRef: 'refs/heads/main' }, exports: [exp({ seconds: 5 })] })),
    ).toEqual([]);
  });

  test('a scope that already names the job is fine', () => {
    const inputs = cacheInputs(['type=gha,scope=worker'], ['type=gha,scope=worker,mode=max'], 'worker');
    expect(diagnoseRemoteCache(opts({ inputs }))).toEqual([]);
  });
});

describe('a gha import that served nothing', () => {
  const imp: CacheImport = {
    ref: 'gha:1234567890',
    backend: 'gha',
    input: 'type=gha,scope=api',
    seconds: 0.4,
    outcome: 'ok',
    error: null,
    errorKind: null,
    manifestType: null,
    layersFound: null,
  };
  const ran = { id: 'app#2', name: '[app 2/3] RUN make', stageKey: 'app', status: 'ran', seconds: 42 } as Step;
  const run = (gitRef: string | null) =>
    diagnoseRemoteCache(
      opts({ steps: [ran], imports: [imp], inputs: cacheInputs(['type=gha,scope=api'], [], null, [], gitRef) }),
    );

  test.each([
    [
      'refs/pull/7/merge',
      "held nothing this pull request may read (its own refs/pull/7/merge entries and its base branch's)",
    ],
    ['refs/heads/main', 'written from a pull request (refs/pull/N/merge), which no other ref can read'],
    [null, 'which other branches cannot read'],
  ])('on %s', (gitRef, says) => {
    const [d] = run(gitRef);
    expect(d.kind).toBe('import-served-nothing');
    expect(d.message).toContain("the scope 'api'");
    expect(d.message).toContain(says);
    expect(d.evidence).toEqual([
      'importing cache manifest from gha:1234567890  DONE 0.4s',
      '[app 2/3] RUN make  (ran, 42s)',
    ]);
    expect(d.fix).toContain('cache-to: type=gha,scope=api,mode=max');
  });

  test('with the Actions cache 90% full, eviction is named the likely cause', () => {
    const diagnoses = run('refs/heads/main');
    evictionNote(diagnoses, { share: 0.9 });
    expect(diagnoses[0].message).toMatch(/90% full, so eviction is the likely cause\.$/);
  });
});

describe('usageDiagnosis', () => {
  const GB = 1024 ** 3;
  test.each([
    [7 * GB, null],
    [8.5 * GB, "The repository's Actions cache holds 8.50 GB of its 10.00 GB (85%)"],
  ])('%d bytes', (activeBytes, message) => {
    const d = usageDiagnosis({ activeBytes, limitBytes: 10 * GB, share: activeBytes / (10 * GB) });
    if (message === null) expect(d).toBeNull();
    else expect(d!.message).toContain(message);
  });
});
