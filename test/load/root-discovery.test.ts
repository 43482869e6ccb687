import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/index.js';

/** Writes a tree (repo-relative path → text) into a fresh temporary directory, which has no .git. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-root-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const ks = (name: string, kind: string, source: string, p: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  prune: true\n  sourceRef:\n    kind: ${kind}\n    name: ${source}\n  path: ${p}\n`;

// flux2-kustomize-helm-example's layout, exported without .git and with the bootstrap's gotk-sync.yaml not yet
// written: the Kustomizations read an ArtifactGenerator's artifact, whose `./prod` is the copy of `apps/prod`.
const generatorLayout = {
  'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
  'clusters/prod/apps.yaml': ks('apps', 'ExternalArtifact', 'apps', './prod'),
  'clusters/prod/artifacts.yaml':
    'apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n' +
    '  sources:\n    - alias: repo\n      kind: GitRepository\n      name: flux-system\n  artifacts:\n    - name: apps\n      copy:\n        - from: "@repo/apps/prod/**"\n          to: "@artifact/prod/"\n',
  'apps/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n',
  'apps/prod/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: b\n',
};

describe('the repo root of an exported tree (no bootstrap sync, no .git)', () => {
  it("is where the Git paths exist: an artifact's path is inside the artifact, an ArtifactGenerator's copy is a path of the checkout", () => {
    const root = tree(generatorLayout);
    const { summary, diagnostics } = lint({ paths: [path.join(root, 'clusters/prod')], cwd: os.tmpdir() });
    expect(summary).toMatchObject({ root: path.relative(os.tmpdir(), root), rootReason: 'flux-paths', clusters: ['clusters/prod'], objects: 3 });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // apps' ./prod is read from apps/prod through the generator's copy: its ConfigMap is built.
    expect(diagnostics.filter((d) => d.ruleId === 'source-not-local')).toEqual([]);
  });

  it('is where most written Git paths exist', () => {
    const root = tree({
      'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'clusters/prod/apps.yaml': ks('apps', 'GitRepository', 'flux-system', './apps/prod') + '---\n' + ks('infra', 'GitRepository', 'flux-system', './infra'),
      'apps/prod/kustomization.yaml': generatorLayout['apps/prod/kustomization.yaml'],
      'apps/prod/cm.yaml': generatorLayout['apps/prod/cm.yaml'],
      'infra/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n',
    });
    const { summary } = lint({ paths: [path.join(root, 'clusters/prod')], cwd: os.tmpdir() });
    expect(summary).toMatchObject({ root: path.relative(os.tmpdir(), root), rootReason: 'flux-paths' });
  });
});

const gitRepository = (name: string) =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://example.com/${name}.git\n  ref:\n    branch: main\n`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  a: b\n`;
/** The flux-instance chart's HelmRelease, its FluxInstance syncing `sync` (kind and path) from values.instance. */
const instanceRelease = (syncKind: string, syncPath: string) =>
  'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: flux-instance\n  namespace: flux-system\nspec:\n  interval: 1h\n' +
  '  chartRef:\n    kind: OCIRepository\n    name: flux-instance\n  values:\n    instance:\n      distribution:\n        version: 2.x\n' +
  `      sync:\n        kind: ${syncKind}\n        url: https://example.com/repo.git\n        ref: refs/heads/main\n        path: ${syncPath}\n`;

describe('clusters without a flux-system/ bootstrap, linted from the checkout root', () => {
  it('a Flux Kustomization applied by hand beside the manifests it syncs makes its directory a cluster', () => {
    const root = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'kube/clusters/one/flux/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [flux-repo.yaml, cm.yaml]\n',
      'kube/clusters/one/flux/flux-repo.yaml': gitRepository('flux-system') + '---\n' + ks('one', 'GitRepository', 'flux-system', './kube/clusters/one/flux'),
      'kube/clusters/one/flux/cm.yaml': configMap('one'),
      // Another repository's Kustomization whose one-directory path matches a folder above it by chance: no cluster.
      'kube/deploy/vm/ks.yaml': gitRepository('vm') + '---\n' + ks('vm', 'GitRepository', 'vm', './deploy'),
      // A kustomize patch of a tenant's Kustomization names no source: no cluster either.
      'tenants/production/patch.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: dev-team\n  namespace: dev-team\nspec:\n  path: ./production\n',
    });
    const { summary, diagnostics } = lint({ paths: [root], cwd: root });
    expect(summary).toMatchObject({ root: '.', rootReason: 'flux-path', clusters: ['kube/clusters/one/flux'] });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it("the flux-instance chart's sync path makes the directory holding its HelmRelease a cluster, one per cluster", () => {
    const files: Record<string, string> = { '.git/HEAD': 'ref: refs/heads/main\n' };
    for (const c of ['main', 'utility']) {
      files[`kubernetes/clusters/${c}/kustomization.yaml`] = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [flux-instance, cm.yaml]\n';
      files[`kubernetes/clusters/${c}/flux-instance/kustomization.yaml`] = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [helmrelease.yaml]\n';
      files[`kubernetes/clusters/${c}/flux-instance/helmrelease.yaml`] = instanceRelease('GitRepository', `kubernetes/clusters/${c}`);
      files[`kubernetes/clusters/${c}/cm.yaml`] = configMap(c);
    }
    const root = tree(files);
    const { summary } = lint({ paths: [root], cwd: root });
    expect(summary).toMatchObject({ root: '.', rootReason: 'flux-path', clusters: ['kubernetes/clusters/main', 'kubernetes/clusters/utility'] });
  });

  it("a FluxInstance synced from an OCI artifact of a folder: its cluster is found, the root stays the checkout's", () => {
    const root = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'kubernetes/clusters/c0/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n',
      'kubernetes/clusters/c0/cm.yaml': configMap('c0'),
      // The chart's values file (the HelmRelease reads it through valuesFrom), with the sync the operator creates.
      'kubernetes/clusters/c0/flux-system/flux-instance/app/values.yaml': 'instance:\n  sync:\n    kind: OCIRepository\n    url: oci://ghcr.io/example/manifests\n    ref: main\n    path: ./clusters/c0\n',
    });
    const { summary } = lint({ paths: [root], cwd: root });
    // The sync's path is inside the artifact: it says where the cluster is, not where the checkout's root is.
    expect(summary).toMatchObject({ root: '.', rootReason: 'git', clusters: ['kubernetes/clusters/c0'] });
  });

  it("a template repository's clusters, whose flux-system/ has bootstrap files but no sync yet, are its clusters", () => {
    const files: Record<string, string> = {};
    for (const c of ['production', 'staging']) {
      files[`clusters/${c}/flux-system/gotk-sync.yaml`] = '# This file will be generated automatically by flux bootstrap.\n';
      files[`clusters/${c}/flux-system/kustomization.yaml`] = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [gotk-sync.yaml]\n';
      files[`clusters/${c}/apps.yaml`] = ks('apps', 'GitRepository', 'flux-system', `./apps/${c}`);
      files[`apps/${c}/cm.yaml`] = configMap(c);
    }
    // An app's own flux-system/ folder (alerts, receivers) is no bootstrap.
    files['apps/production/flux-system/alert.yaml'] = configMap('alert');
    const root = tree(files);
    const { summary, diagnostics } = lint({ paths: [root], cwd: os.tmpdir() });
    // No .git: the root is where the clusters' written paths exist.
    expect(summary).toMatchObject({ root: path.relative(os.tmpdir(), root), rootReason: 'flux-paths', clusters: ['clusters/production', 'clusters/staging'] });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
