import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintAndFix } from '../../src/engine/fix.js';
import { lint } from '../../src/engine/lint.js';
import { resolveFluxVersion } from '../../src/schema/flux-releases.js';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce, type Mutation } from '../helpers.js';

/**
 * The schemas a cluster really serves: its CRDs after the patches it applies to them, the Flux Operator's own
 * patches, and the apiVersions of the Flux release it pins (src/schema/flux-releases.ts).
 */

const root = `${CLUSTER}/kustomization.yaml`;
const extra = `${CLUSTER}/extra.yaml`;
const fluxSystem = `${CLUSTER}/flux-system/kustomization.yaml`;
const vault = 'flux-apps/vault/release.yaml';
const gotk = `${CLUSTER}/flux-system/gotk-components.yaml`;

/** The fixture with one more file of documents in the cluster's root kustomization. */
function withExtra(docs: string, more: Record<string, Mutation> = {}) {
  return fixtureCopy({ [root]: replaceOnce('  - cluster.yaml\n', '  - cluster.yaml\n  - extra.yaml\n'), [extra]: docs, ...more });
}

/** Flux installed otherwise than by `flux bootstrap`: no gotk-components.yaml (so no Flux CRDs in the tree). */
const noBootstrapCrds = { [fluxSystem]: replaceOnce('- gotk-components.yaml\n', '') };

const PROVIDER = 'apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n  name: slack\n  namespace: flux-system\nspec:\n  type: slack\n  channel: general\n';
const alert = (kind: string) =>
  `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: all\n  namespace: flux-system\nspec:\n  providerRef:\n    name: slack\n  eventSources:\n    - kind: ${kind}\n      name: '*'\n`;
const receiver = (kind: string) =>
  `apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: hook\n  namespace: flux-system\nspec:\n  type: generic\n  secretRef:\n    name: token\n  resources:\n    - kind: ${kind}\n      name: flux\n`;
const fluxInstance = (version?: string) =>
  `apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n${version ? `    version: "${version}"\n` : ''}    registry: ghcr.io/fluxcd\n`;

/** The tofu-controller docs' patch: Terraform as an Alert event source (https://flux-iac.github.io/tofu-controller/). */
const TERRAFORM_PATCH = `patches:
  - patch: |
      - op: add
        path: /spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-
        value: Terraform
    target:
      kind: CustomResourceDefinition
      name: alerts.notification.toolkit.fluxcd.io
`;

const schemaErrors = (repo: string, options = {}) => lintRule(repo, 'schema', options).map((d) => `${d.file}:${d.line} ${d.message}`);

describe('CRDs as the cluster serves them', () => {
  it('uses a CRD of the tree after the kustomize patch the cluster applies to it (Terraform in Alert eventSources)', () => {
    const unpatched = withExtra(`${PROVIDER}---\n${alert('Terraform')}`);
    expect(schemaErrors(unpatched)).toEqual([
      `${extra}:${lineOf(unpatched, extra, 'kind: Terraform')} spec.eventSources[0].kind must be one of Bucket, GitRepository, Kustomization, HelmRelease, HelmChart, HelmRepository, ImageRepository, ImagePolicy, ImageUpdateAutomation, OCIRepository, ArtifactGenerator, ExternalArtifact`,
    ]);
    const patched = withExtra(`${PROVIDER}---\n${alert('Terraform')}`, { [fluxSystem]: (s) => s + TERRAFORM_PATCH });
    expect(schemaErrors(patched)).toEqual([]);
    // The same file also given with --crds (as written, unpatched): the cluster's build of it is what it serves.
    expect(schemaErrors(patched, { crdPaths: [gotk] })).toEqual([]);
  });

  it('adds the Flux Operator kinds to Alert eventSources and Receiver resources when a FluxInstance installs Flux', () => {
    const docs = `${PROVIDER}---\n${alert('FluxInstance')}---\n${receiver('ResourceSet')}`;
    const plain = withExtra(docs, noBootstrapCrds);
    expect(schemaErrors(plain).map((e) => e.replace(/ must be one of .*/, ''))).toEqual([
      `${extra}:${lineOf(plain, extra, 'kind: FluxInstance')} spec.eventSources[0].kind`,
      `${extra}:${lineOf(plain, extra, 'kind: ResourceSet')} spec.resources[0].kind`,
    ]);
    expect(schemaErrors(withExtra(`${docs}---\n${fluxInstance('2.x')}`, noBootstrapCrds))).toEqual([]);
    // A kind the operator does not add is still refused.
    const typo = withExtra(`${PROVIDER}---\n${alert('FluxInstanse')}---\n${fluxInstance('2.x')}`, noBootstrapCrds);
    expect(schemaErrors(typo)).toEqual([
      `${extra}:${lineOf(typo, extra, 'kind: FluxInstanse')} spec.eventSources[0].kind must be one of Bucket, GitRepository, Kustomization, HelmRelease, HelmChart, HelmRepository, ImageRepository, ImagePolicy, ImageUpdateAutomation, OCIRepository, ArtifactGenerator, ExternalArtifact, FluxInstance, ResourceSet, ResourceSetInputProvider`,
    ]);
  });

  it('knows a Flux installed by a HelmRelease of the flux-instance chart (chartRef to its OCIRepository)', () => {
    const chart = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: flux-instance
  namespace: flux-system
spec:
  interval: 1h
  ref:
    tag: 0.58.1
  url: oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: flux-instance
  namespace: flux-system
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: flux-instance
  values:
    instance:
      sync:
        kind: GitRepository
        url: https://example.com/repo
        ref: refs/heads/main
        path: clusters/main
`;
    expect(schemaErrors(withExtra(`${PROVIDER}---\n${alert('FluxInstance')}---\n${chart}`, noBootstrapCrds))).toEqual([]);
  });
});

describe('apiVersions of the Flux release the cluster pins', () => {
  const v2beta2 = replaceOnce('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v2beta2\n');
  const deprecations = (repo: string) =>
    lint({ paths: [path.join(repo, CLUSTER)], cwd: repo })
      .diagnostics.filter((d) => d.ruleId === 'deprecated-api')
      .map((d) => ({ file: d.file, line: d.line, severity: d.severity, message: d.message, fixed: d.fix?.text }));

  it('reports an apiVersion newer than the pinned release serves, without a fix (FluxInstance distribution.version 2.2.x)', () => {
    const repo = withExtra(fluxInstance('2.2.x'), noBootstrapCrds);
    const at = `${extra}:${lineOf(repo, extra, 'version:')}`;
    expect(deprecations(repo).filter((d) => d.file === vault)).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'source.toolkit.fluxcd.io/v1'),
        severity: 'error',
        message: `source.toolkit.fluxcd.io/v1 HelmRepository is not served by Flux 2.2 (2.2.x at ${at}), which serves v1beta2, v1beta1; upgrade Flux first`,
        fixed: undefined,
      },
      {
        file: vault,
        line: lineOf(repo, vault, 'helm.toolkit.fluxcd.io/v2'),
        severity: 'error',
        message: `helm.toolkit.fluxcd.io/v2 HelmRelease is not served by Flux 2.2 (2.2.x at ${at}), which serves v2beta2, v2beta1; upgrade Flux first`,
        fixed: undefined,
      },
    ]);
  });

  it('warns about a version the pinned release serves and a later one removed, fixable to one both serve (flux-manifests tag with a substitution default)', () => {
    const manifests = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: flux-manifests
  namespace: flux-system
spec:
  interval: 10m
  url: oci://ghcr.io/fluxcd/flux-manifests
  ref:
    tag: "\${FLUXCD_VERSION:=v2.6.3}"
`;
    const repo = withExtra(manifests, { ...noBootstrapCrds, [vault]: v2beta2 });
    const at = `${extra}:${lineOf(repo, extra, 'tag:')}`;
    expect(deprecations(repo)).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'v2beta2'),
        severity: 'warning',
        message: `helm.toolkit.fluxcd.io/v2beta2 HelmRelease is served by Flux 2.6 (\${FLUXCD_VERSION:=v2.6.3} at ${at}) but removed in Flux 2.8; use helm.toolkit.fluxcd.io/v2 HelmRelease`,
        fixed: 'helm.toolkit.fluxcd.io/v2',
      },
    ]);
    const out = lintAndFix({ paths: [path.join(repo, CLUSTER)], cwd: repo });
    expect(out.files).toEqual([vault]);
  });

  it('does not offer a fix to a version the pinned release does not serve', () => {
    // Flux 2.2 serves HelmRelease v2beta1 and v2beta2 only: no move to v2 (and no schema of v2beta2 to check one).
    const repo = withExtra(fluxInstance('~2.2.0'), {
      ...noBootstrapCrds,
      [vault]: replaceOnce('apiVersion: helm.toolkit.fluxcd.io/v2\n', 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\n'),
    });
    const hr = deprecations(repo).filter((d) => d.file === vault && d.message.startsWith('helm.toolkit'));
    expect(hr.map((d) => [d.severity, d.fixed])).toEqual([['warning', undefined]]);
    expect(hr[0]!.message).toMatch(/^helm\.toolkit\.fluxcd\.io\/v2beta1 HelmRelease is served by Flux 2\.2 \(~2\.2\.0 at .*\) but removed in Flux 2\.7; upgrade Flux, then use helm\.toolkit\.fluxcd\.io\/v2 HelmRelease$/);
  });

  it('judges a range that allows the newest release (2.x) by the current release, and says so', () => {
    const repo = withExtra(fluxInstance('2.x'), { ...noBootstrapCrds, [vault]: v2beta2 });
    const at = `${extra}:${lineOf(repo, extra, 'version:')}`;
    expect(deprecations(repo)).toEqual([
      {
        file: vault,
        line: lineOf(repo, vault, 'v2beta2'),
        severity: 'error',
        message: `helm.toolkit.fluxcd.io/v2beta2 HelmRelease is not served by Flux 2.8 and later (removed in Flux 2.8); FluxInstance flux at ${at} installs the newest Flux release (2.x); use helm.toolkit.fluxcd.io/v2 HelmRelease`,
        fixed: 'helm.toolkit.fluxcd.io/v2',
      },
    ]);
  });

  it('says so when the repository does not tell which Flux the cluster runs', () => {
    const repo = fixtureCopy({ ...noBootstrapCrds, [vault]: v2beta2 });
    expect(deprecations(repo).map((d) => [d.severity, d.message])).toEqual([
      [
        'error',
        'helm.toolkit.fluxcd.io/v2beta2 HelmRelease is not served by Flux 2.8 and later (removed in Flux 2.8); this repository does not say which Flux version the cluster runs, so it is judged against the current release; use helm.toolkit.fluxcd.io/v2 HelmRelease',
      ],
    ]);
  });
});

describe('resolveFluxVersion (the newest release a version or range allows)', () => {
  const minor = (s: string) => {
    const r = resolveFluxVersion(s);
    return r === undefined ? undefined : r.current ? 'current' : r.release!.minor;
  };
  it('reads versions and Masterminds-style ranges as the Flux Operator does', () => {
    expect(minor('v2.8.5')).toBe('2.8');
    expect(minor('2.2.3')).toBe('2.2');
    expect(minor('2.7.x')).toBe('2.7');
    expect(minor('2.7')).toBe('2.7');
    expect(minor('~2.6.1')).toBe('2.6');
    expect(minor('>=2.3.0 <2.6.0')).toBe('2.5');
    expect(minor('>=2.3, <=2.4')).toBe('2.4');
    expect(minor('2.3 - 2.5')).toBe('2.5');
    expect(minor('2.1.x || 2.4.x')).toBe('2.4');
    expect(minor('2.x')).toBe('current');
    expect(minor('^2.5')).toBe('current');
    expect(minor('*')).toBe('current');
    expect(minor('v0.40.0')).toBeUndefined();
    expect(minor('latest')).toBeUndefined();
  });
});
