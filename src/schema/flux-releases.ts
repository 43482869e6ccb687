/**
 * Which apiVersions each Flux minor release serves, per Flux kind: what a cluster that pins its Flux version
 * (gotk-components.yaml's `# Flux Version:`, a `flux-manifests` OCIRepository tag, a FluxInstance
 * `spec.distribution.version`) accepts, where its CRDs are not in the linted tree.
 *
 * Data, kept by hand from the sources below; `current` is what the CRDs bundled in schemas/ serve (../shared/crds,
 * the controllers' default branches, see its SOURCES.md), so a release newer than the last one listed here is judged
 * by those.
 */

export interface FluxRelease {
  /** "2.7" */
  minor: string;
  /** Release date of x.y.0 (YYYY-MM). */
  date: string;
  /** "<group>/<Kind>" → served versions, preferred (storage) first. */
  served: Record<string, readonly string[]>;
}

/** Where each change below comes from. */
export const FLUX_RELEASE_SOURCES: readonly string[] = [
  'Flux 2.0 (2023-07): GitRepository, Kustomization and Receiver v1 GA beside the beta versions (source-controller CHANGELOG 1.0.0-rc.1, kustomize-controller 1.0.0, notification-controller 1.0.0)',
  'Flux 2.1 (2023-08): Alert and Provider v1beta3 (notification-controller CHANGELOG 1.1.0)',
  'Flux 2.2 (2023-12): HelmRelease v2beta2; v2beta1 deprecated (fluxcd/flux2 roadmap, v2.2 "EOL and Deprecations")',
  'Flux 2.3 (2024-05): HelmRelease v2, HelmChart and HelmRepository v1 GA (fluxcd.io/blog/2024/05/flux-v2.3.0); ImageUpdateAutomation v1beta2 (fluxcd/image-automation-controller#677)',
  'Flux 2.4 (2024-09): Bucket v1 GA (source-controller 1.4.0)',
  'Flux 2.6 (2025-05): OCIRepository v1 GA (source-controller 1.6.0)',
  'Flux 2.7 (2025-09): image APIs v1 GA (fluxcd.io/blog/2025/09/flux-v2.7.0); ExternalArtifact and ArtifactGenerator; the v1beta1 APIs of source, kustomize, notification and image and helm v2beta1 removed (fluxcd/flux2#5474; kustomize-controller and notification-controller CHANGELOG 1.7.0: "The v1beta1 APIs were removed")',
  'Flux 2.8 (2026-02): source v1beta2, kustomize v1beta2 and helm v2beta2 removed (fluxcd/flux2#5711: source-controller#1983, kustomize-controller#1584 and CHANGELOG 1.8.0 "The v1beta2 APIs were removed", helm-controller#1404)',
  'current: the CRDs in schemas/ (image v1beta2 removed by image-reflector-controller 1.2.0, 2026-06; notification v1beta2 gone from the default branch)',
];

const S = 'source.toolkit.fluxcd.io';
const K = 'kustomize.toolkit.fluxcd.io';
const H = 'helm.toolkit.fluxcd.io';
const N = 'notification.toolkit.fluxcd.io';
const I = 'image.toolkit.fluxcd.io';
const X = 'source.extensions.fluxcd.io';

/** One release's table from the changes since the one before it. */
function release(minor: string, date: string, served: Record<string, readonly string[]>, before?: FluxRelease): FluxRelease {
  return { minor, date, served: { ...(before?.served ?? {}), ...served } };
}

const v2_0 = release('2.0', '2023-07', {
  [`${S}/GitRepository`]: ['v1', 'v1beta2', 'v1beta1'],
  [`${S}/HelmRepository`]: ['v1beta2', 'v1beta1'],
  [`${S}/HelmChart`]: ['v1beta2', 'v1beta1'],
  [`${S}/Bucket`]: ['v1beta2', 'v1beta1'],
  [`${S}/OCIRepository`]: ['v1beta2'],
  [`${K}/Kustomization`]: ['v1', 'v1beta2', 'v1beta1'],
  [`${H}/HelmRelease`]: ['v2beta1'],
  [`${N}/Alert`]: ['v1beta2', 'v1beta1'],
  [`${N}/Provider`]: ['v1beta2', 'v1beta1'],
  [`${N}/Receiver`]: ['v1', 'v1beta2', 'v1beta1'],
  [`${I}/ImageRepository`]: ['v1beta2', 'v1beta1'],
  [`${I}/ImagePolicy`]: ['v1beta2', 'v1beta1'],
  [`${I}/ImageUpdateAutomation`]: ['v1beta1'],
});
const v2_1 = release('2.1', '2023-08', { [`${N}/Alert`]: ['v1beta3', 'v1beta2', 'v1beta1'], [`${N}/Provider`]: ['v1beta3', 'v1beta2', 'v1beta1'] }, v2_0);
const v2_2 = release('2.2', '2023-12', { [`${H}/HelmRelease`]: ['v2beta2', 'v2beta1'] }, v2_1);
const v2_3 = release(
  '2.3',
  '2024-05',
  {
    [`${H}/HelmRelease`]: ['v2', 'v2beta2', 'v2beta1'],
    [`${S}/HelmRepository`]: ['v1', 'v1beta2', 'v1beta1'],
    [`${S}/HelmChart`]: ['v1', 'v1beta2', 'v1beta1'],
    [`${I}/ImageUpdateAutomation`]: ['v1beta2', 'v1beta1'],
  },
  v2_2,
);
const v2_4 = release('2.4', '2024-09', { [`${S}/Bucket`]: ['v1', 'v1beta2', 'v1beta1'] }, v2_3);
const v2_5 = release('2.5', '2025-02', {}, v2_4);
const v2_6 = release('2.6', '2025-05', { [`${S}/OCIRepository`]: ['v1', 'v1beta2'] }, v2_5);
const v2_7 = release(
  '2.7',
  '2025-09',
  {
    [`${S}/GitRepository`]: ['v1', 'v1beta2'],
    [`${S}/HelmRepository`]: ['v1', 'v1beta2'],
    [`${S}/HelmChart`]: ['v1', 'v1beta2'],
    [`${S}/Bucket`]: ['v1', 'v1beta2'],
    [`${S}/ExternalArtifact`]: ['v1'],
    [`${X}/ArtifactGenerator`]: ['v1beta1'],
    [`${K}/Kustomization`]: ['v1', 'v1beta2'],
    [`${H}/HelmRelease`]: ['v2', 'v2beta2'],
    [`${N}/Alert`]: ['v1beta3', 'v1beta2'],
    [`${N}/Provider`]: ['v1beta3', 'v1beta2'],
    [`${N}/Receiver`]: ['v1', 'v1beta2'],
    [`${I}/ImageRepository`]: ['v1', 'v1beta2'],
    [`${I}/ImagePolicy`]: ['v1', 'v1beta2'],
    [`${I}/ImageUpdateAutomation`]: ['v1', 'v1beta2'],
  },
  v2_6,
);
const v2_8 = release(
  '2.8',
  '2026-02',
  {
    [`${S}/GitRepository`]: ['v1'],
    [`${S}/HelmRepository`]: ['v1'],
    [`${S}/HelmChart`]: ['v1'],
    [`${S}/Bucket`]: ['v1'],
    [`${S}/OCIRepository`]: ['v1'],
    [`${K}/Kustomization`]: ['v1'],
    [`${H}/HelmRelease`]: ['v2'],
  },
  v2_7,
);

/** Oldest first. */
export const FLUX_RELEASES: readonly FluxRelease[] = [v2_0, v2_1, v2_2, v2_3, v2_4, v2_5, v2_6, v2_7, v2_8];

/** The API groups the table covers (a CRD of another group is not Flux's). */
export const FLUX_GROUPS: ReadonlySet<string> = new Set([S, K, H, N, I, X]);

/** The release of a minor version ("2.7"), or undefined when the table does not have it. */
export function fluxRelease(minor: string): FluxRelease | undefined {
  return FLUX_RELEASES.find((r) => r.minor === minor);
}

/** The versions a release serves of a kind ([] for a kind it does not have). */
export function servedBy(release: FluxRelease, group: string, kind: string): readonly string[] {
  return release.served[`${group}/${kind}`] ?? [];
}

/** The first release (in the table) that no longer serves a version that an earlier one served; undefined when none. */
export function removedIn(group: string, kind: string, version: string): FluxRelease | undefined {
  let seen = false;
  for (const r of FLUX_RELEASES) {
    const has = servedBy(r, group, kind).includes(version);
    if (has) seen = true;
    else if (seen) return r;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Versions and ranges as the Flux Operator reads `spec.distribution.version` (Masterminds semver constraints:
// https://fluxcd.control-plane.io/operator/fluxinstance/#distribution-version): "2.x", "2.7.x", "~2.7", "^2.5",
// ">=2.5.0 <2.7.0", "2.6.0", "v2.8.5", alternatives with "||". The operator installs the newest release a range
// allows.
// ---------------------------------------------------------------------------------------------------------------

type Triple = [number, number, number];

interface Comparator {
  op: '=' | '!=' | '>' | '>=' | '<' | '<=';
  v: Triple;
}

const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+][0-9A-Za-z.+-]*)?$/;

function parsePartial(s: string): (number | undefined)[] | undefined {
  const m = PARTIAL.exec(s);
  if (!m) return undefined;
  return [m[1], m[2], m[3]].map((p) => (p === undefined || /^[xX*]$/.test(p) ? undefined : Number(p)));
}

/** One term (no spaces inside) to comparators; undefined when it is not a version constraint. */
function term(t: string): Comparator[] | undefined {
  const m = /^(\^|~>?|>=|<=|!=|=|>|<)?\s*(.+)$/.exec(t);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const p = parsePartial(m[2]!);
  if (!p) return undefined;
  const [a, b, c] = p;
  if (a === undefined) return op === '' || op === '=' || op === '>=' ? [] : undefined; // "*", "x"
  const lo: Triple = [a, b ?? 0, c ?? 0];
  const wildcard = (): Comparator[] =>
    b === undefined ? [{ op: '>=', v: lo }, { op: '<', v: [a + 1, 0, 0] }] : c === undefined ? [{ op: '>=', v: lo }, { op: '<', v: [a, b + 1, 0] }] : [{ op: '=', v: lo }];
  switch (op) {
    case '':
    case '=':
      return wildcard();
    case '!=':
      return [{ op: '!=', v: lo }];
    case '^':
      return [{ op: '>=', v: lo }, { op: '<', v: a > 0 || b === undefined ? [a + 1, 0, 0] : [0, b + 1, 0] }];
    case '~':
    case '~>':
      return [{ op: '>=', v: lo }, { op: '<', v: b === undefined ? [a + 1, 0, 0] : [a, b + 1, 0] }];
    case '>':
      return [{ op: '>', v: b === undefined ? [a, Infinity, 0] : c === undefined ? [a, b, Infinity] : lo }];
    case '<=':
      return [{ op: '<', v: b === undefined ? [a + 1, 0, 0] : c === undefined ? [a, b + 1, 0] : [a, b, c + 1] }];
    default:
      return [{ op: op as Comparator['op'], v: lo }];
  }
}

function cmp(x: Triple, y: Triple): number {
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

function holds(c: Comparator, v: Triple): boolean {
  const d = cmp(v, c.v);
  switch (c.op) {
    case '=':
      return d === 0;
    case '!=':
      return d !== 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
  }
}

/** A constraint as alternatives of conjunctions; undefined when the text is not one. */
function parseConstraint(text: string): Comparator[][] | undefined {
  const alternatives: Comparator[][] = [];
  for (const alt of text.split('||')) {
    const s = alt.trim();
    if (!s) return undefined;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(s);
    let parts: Comparator[] = [];
    if (hyphen) {
      const lo = term(`>=${hyphen[1]}`);
      const hi = term(`<=${hyphen[2]}`);
      if (!lo || !hi) return undefined;
      parts = [...lo, ...hi];
    } else {
      for (const t of s.replace(/(\^|~>?|>=|<=|!=|=|>|<)\s+/g, '$1').split(/[\s,]+/)) {
        if (!t) continue;
        const c = term(t);
        if (!c) return undefined;
        parts.push(...c);
      }
    }
    alternatives.push(parts);
  }
  return alternatives;
}

/** Patch numbers tried for each minor: a range allows a release when it allows one of its patches. */
const PATCHES = [...Array.from({ length: 40 }, (_, i) => i), 999];

export interface ResolvedFluxVersion {
  /** The release of the table that is installed, or undefined for `current` (newer than the table, or the newest allowed). */
  release?: FluxRelease;
  /** True when the version allows releases newer than the table's (judged by the bundled CRDs). */
  current: boolean;
}

/**
 * The Flux release a version or range installs: the newest it allows (what the Flux Operator picks). Undefined when
 * the text is not a version, or allows only releases older than Flux 2.0 or none at all.
 */
export function resolveFluxVersion(text: string): ResolvedFluxVersion | undefined {
  const constraint = parseConstraint(text.trim());
  if (!constraint) return undefined;
  const allows = (v: Triple) => constraint.some((conj) => conj.every((c) => holds(c, v)));
  const newest = FLUX_RELEASES[FLUX_RELEASES.length - 1]!;
  const [nm, nn] = newest.minor.split('.').map(Number) as [number, number];
  // Anything after the table's newest release (a later minor, or Flux 3): the bundled CRDs decide.
  for (const v of [[nm, nn + 1, 0], [nm, nn + 1, 999], [nm, 999, 0], [nm + 1, 0, 0], [99, 0, 0]] as Triple[]) {
    if (allows(v)) return { current: true };
  }
  for (let i = FLUX_RELEASES.length - 1; i >= 0; i--) {
    const r = FLUX_RELEASES[i]!;
    const [a, b] = r.minor.split('.').map(Number) as [number, number];
    if (PATCHES.some((p) => allows([a, b, p]))) return { release: r, current: false };
  }
  return undefined;
}
