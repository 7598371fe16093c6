import dockerignoreModule from '@balena/dockerignore';
import picomatch from 'picomatch';
import { posix } from 'node:path';

// A CommonJS package: under Node's ESM the default import is the factory itself; its types say `.default`.
type Factory = typeof dockerignoreModule.default;
const dockerignore = ((dockerignoreModule as unknown as { default?: Factory }).default ??
  dockerignoreModule) as unknown as Factory;

/**
 * Which changed files a COPY/ADD takes: a file counts when a source names it, a folder above it,
 * or a glob matching it, and `.dockerignore` does not drop it from the context.
 */
export class CopySourceMatcher {
  private readonly ignore: ReturnType<typeof dockerignore>;

  /** `contextDir` and the changed files given to `match` are absolute paths. */
  constructor(
    private readonly contextDir: string,
    dockerignoreText: string | null,
  ) {
    this.ignore = dockerignore({ ignorecase: false });
    if (dockerignoreText) this.ignore.add(dockerignoreText);
  }

  /** The changed files in the context (context-relative) and their order by name: worked out once per list. */
  private known: { changed: string[]; files: string[]; byName: number[] } | null = null;
  private readonly globs = new Map<string, (path: string) => boolean>();

  private inContext(changedFiles: string[]): { files: string[]; byName: number[] } {
    if (this.known?.changed !== changedFiles) {
      const files = changedFiles
        .map((f) => posix.relative(this.contextDir, f))
        .filter((f) => f && !f.startsWith('../') && f !== '..' && !posix.isAbsolute(f) && !this.ignore.ignores(f));
      const byName = files
        .map((_, i) => i)
        .sort((a, b) => (files[a] < files[b] ? -1 : files[a] > files[b] ? 1 : a - b));
      this.known = { changed: changedFiles, files, byName };
    }
    return this.known;
  }

  /**
   * The changed files (absolute) that the sources take, context-relative, in the order given. A plain path takes
   * itself and what is under it: a range of the files by name (asked per COPY that re-ran, so not a scan of every
   * changed file); a glob is matched against each file and the folders above it.
   */
  match(sources: string[], changedFiles: string[]): string[] {
    const { files, byName } = this.inContext(changedFiles);
    const patterns = sources.map((s) => posix.normalize(s.replace(/^\/+/, '')).replace(/\/+$/, '') || '.');
    if (patterns.includes('.')) return [...files];
    const hit = new Set<number>();
    for (const p of patterns) {
      if (picomatch.scan(p).isGlob) {
        let test = this.globs.get(p);
        if (!test) this.globs.set(p, (test = picomatch(p, { dot: true })));
        // a glob that names folders: `src/*` takes src/a/b.js
        files.forEach((file, i) => {
          if (test(file) || file.split('/').some((_, k, parts) => test(parts.slice(0, k + 1).join('/')))) hit.add(i);
        });
        continue;
      }
      let lo = 0;
      let hi = byName.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (files[byName[mid]] < p) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < byName.length && files[byName[k]].startsWith(p); k++) {
        const file = files[byName[k]];
        if (file === p || file.startsWith(`${p}/`)) hit.add(byName[k]);
      }
    }
    return [...hit].sort((a, b) => a - b).map((i) => files[i]);
  }
}
