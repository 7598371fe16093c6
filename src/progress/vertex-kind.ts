// What each vertex of a build is, from its name, for every BuildKit version's shapes: a Dockerfile
// step, an image source, or one of BuildKit's and the clients' own vertices (context transfer,
// metadata, auth, the frontend image, export, push, provenance, bake definitions, cache import and
// export). Only steps and sources are listed in the report; the rest is bookkeeping whose time is
// the build's, not a step's.
import type { VertexKind, VertexLabel } from './types.js';

export type VertexRole =
  /** `[stage 2/5] RUN ...`, `[nix] nix build` (a custom frontend's named step). */
  | 'step'
  /** `[stage 1/5] FROM ...`, an unlabelled `FROM image` (COPY --from=image). */
  | 'source'
  /** `[internal] load build definition from Dockerfile`, `load .dockerignore`. */
  | 'definition'
  /** `[internal] load metadata for docker.io/library/node:20`, `resolve image config for ...`. */
  | 'metadata'
  /** `[internal] load build context`, `load remote build context`, `copy /context /`, `load git source`. */
  | 'context'
  /** `[auth] library/node:pull token for registry-1.docker.io`. */
  | 'auth'
  /** The frontend image of a `# syntax=` line or a custom frontend: `docker-image://docker.io/docker/dockerfile:1@sha256:...`. */
  | 'frontend'
  /** `[internal] booting buildkit` (docker-container and remote drivers starting). */
  | 'booting'
  /** `load local bake definitions` (bake, compose ≥ 2.30 through bake). */
  | 'bake-definitions'
  /** `exporting to image`, `exporting to docker image format`, `exporting to oci image format`, `exporting to client ...`, `importing to docker`, `sending tarball`, `writing image`, `naming to`, `unpacking to`, `exporting attestation manifest`, `exporting manifest list`. */
  | 'export'
  /** `pushing layers`, `pushing manifest for ...`, `pushing docker.io/...`. */
  | 'push'
  /** `resolving provenance for metadata file` (buildx ≥ 0.10 with `--metadata-file`, compose). */
  | 'provenance'
  /** `importing cache manifest from <ref>` (and `[internal] importing cache manifest ...`). */
  | 'cache-import'
  /** `exporting cache to registry`, `exporting to GitHub Actions Cache`, `exporting cache to client directory`, `... Amazon S3`, `... Azure Blob Storage`, `exporting inline cache`, older `exporting cache`, `preparing build cache for export`. */
  | 'cache-export'
  /** Anything else of BuildKit's own: `[internal] ...`, unnamed vertices, `https://...` downloads of ADD. */
  | 'internal';

const ROLE_BY_TEXT: [RegExp, VertexRole][] = [
  [/^load build definition from |^load \.dockerignore$|^load dockerfile$/, 'definition'],
  [/^load metadata for |^resolve image config for /, 'metadata'],
  [/^load (?:remote )?build context$|^copy \/context \/|^load git source |^local:\/\/context$/, 'context'],
  [/^booting buildkit$/, 'booting'],
  [/^load local bake definitions$/, 'bake-definitions'],
  [/^importing cache manifest from /, 'cache-import'],
  [
    /^exporting (?:cache\b|inline cache|to GitHub Actions Cache|to (?:Amazon S3|Azure Blob Storage))|^preparing build cache for export|^writing cache (?:image )?manifest|^sending cache export/,
    'cache-export',
  ],
  [/^resolving provenance for metadata file$/, 'provenance'],
  [/^pushing /, 'push'],
  [
    /^(?:exporting (?:to |layers|manifest|config|attestation)|importing to docker|sending tarball|writing image|naming to |unpacking to |copying files )/,
    'export',
  ],
];

/** The role of a vertex from its name and label; see VertexRole. */
export function vertexRole(name: string, label: VertexLabel): VertexRole {
  if (name === '') return 'internal';
  if (label.special === 'auth') return 'auth';
  if (label.raw !== null && label.index !== null && !label.special) {
    return label.instruction === 'FROM' ? 'source' : 'step';
  }
  for (const [re, role] of ROLE_BY_TEXT) if (re.test(label.text)) return role;
  if (label.special === 'internal') return 'internal';
  if (label.raw !== null) return 'step'; // `[nix] nix build`: a custom frontend's named step
  if (/^FROM\s/i.test(name)) return 'source';
  if (name.startsWith('docker-image://')) return 'frontend';
  return 'internal';
}

/** Listed as a step, as a source, or not at all. */
export function kindOfRole(role: VertexRole): VertexKind {
  return role === 'step' ? 'step' : role === 'source' ? 'source' : 'internal';
}
