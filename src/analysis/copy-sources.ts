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

  /** The changed files (absolute) that the sources take, context-relative. */
  match(sources: string[], changedFiles: string[]): string[] {
    const inContext = changedFiles
      .map((f) => posix.relative(this.contextDir, f))
      .filter((f) => f && !f.startsWith('../') && f !== '..' && !posix.isAbsolute(f) && !this.ignore.ignores(f));
    const patterns = sources.map((s) => posix.normalize(s.replace(/^\/+/, '')).replace(/\/+$/, '') || '.');
    return inContext.filter((file) =>
      patterns.some(
        (p) =>
          p === '.' ||
          file === p ||
          file.startsWith(`${p}/`) ||
          picomatch.isMatch(file, p, { dot: true }) ||
          // a glob that names folders: `src/*` takes src/a/b.js
          file.split('/').some((_, i, parts) => picomatch.isMatch(parts.slice(0, i + 1).join('/'), p, { dot: true })),
      ),
    );
  }
}
