import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configToOptions, resolveConfig } from '../../src/config/index.js';
import { rules } from '../../src/rules/index.js';
import { lint } from '../../src/engine/lint.js';
import { CLUSTER, fixtureCopy, lintTree } from '../helpers.js';

const INSTANCE = `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.7.x"
    registry: ghcr.io/fluxcd
  sync:
    kind: GitRepository
    url: https://github.com/stefanzhelev/homelab.git
    ref: refs/heads/main
    path: flux-clusters/stefanzhelev
`;

// Bootstraps other than \`flux bootstrap\`: the Flux Operator's FluxInstance names the cluster path in spec.sync.
describe('a cluster bootstrapped by a Flux Operator FluxInstance', () => {
  it('is found, rooted by the instance sync, and walked like a flux bootstrap', () => {
    const repo = fixtureCopy({
      [`${CLUSTER}/flux-system/gotk-sync.yaml`]: null,
      [`${CLUSTER}/flux-system/flux-instance.yaml`]: INSTANCE,
      [`${CLUSTER}/flux-system/kustomization.yaml`]: (s) => s.replace('gotk-sync.yaml', 'flux-instance.yaml'),
    });
    const { summary, model, diagnostics } = lintTree(repo);
    expect(summary).toMatchObject({ root: '.', rootReason: 'flux-path', clusters: [CLUSTER] });
    const cluster = model.clusters[0];
    expect(cluster.bootstrap).toBe('flux-system');
    expect(cluster.rootKey).toBe('flux-system/flux-system');
    expect(cluster.kustomizations.get('flux-system/forgejo')?.path).toBe(`${CLUSTER}/apps/forgejo`);
    // The GitRepository the operator creates from spec.sync is not in Git, yet every sourceRef to it is fine; the
    // FluxInstance itself validates against the Flux Operator's schema (schemas/fluxcd.controlplane.io/).
    expect(diagnostics).toEqual([]);
  });
});

/** The FluxInstance spec as the flux-instance chart takes it: under `instance:` in the HelmRelease values. */
const VALUES = `instance:
  distribution:
    version: "2.7.x"
  sync:
    kind: GitRepository
    url: https://github.com/stefanzhelev/homelab.git
    ref: refs/heads/main
    path: flux-clusters/stefanzhelev
  kustomize:
    patches:
      - patch: |
          - op: add
            path: /spec/postBuild
            value:
              substituteFrom:
                - kind: ConfigMap
                  name: cluster-vars
        target:
          kind: Kustomization
          name: flux-system
`;

const CHART_SOURCE = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: flux-instance
  namespace: flux-system
spec:
  interval: 10m
  url: oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance
  ref:
    tag: 0.33.0
`;

const release = (values: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: flux-instance
  namespace: flux-system
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: flux-instance
${values}`;

const indent = (s: string, n: number) => s.replace(/^(?=.)/gm, ' '.repeat(n));

/** The cluster without its flux-system bootstrap: the FluxInstance is somewhere in the directory's own build. */
function operatorTree(files: Record<string, string>, resources: string[], extra: Record<string, (s: string) => string> = {}) {
  return fixtureCopy({
    [`${CLUSTER}/flux-system`]: null,
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`${CLUSTER}/${k}`, v])),
    [`${CLUSTER}/kustomization.yaml`]: (s) => s.replace('  - flux-system\n', resources.map((r) => `  - ${r}\n`).join('')),
    ...extra,
  });
}

describe('a FluxInstance written where the Flux Operator reads it', () => {
  /** `${CLUSTER_NAME}` in a path resolves only through the postBuild the instance's kustomize patch adds to the root. */
  const usesRootVars = { [`${CLUSTER}/apps/apps.yaml`]: (s: string) => s.replace('  path: ./flux-clusters/stefanzhelev/apps/vault\n', '  path: ./flux-clusters/${CLUSTER_NAME}/apps/vault\n') };

  function expectRooted(repo: string, at: string) {
    const { model, diagnostics } = lintTree(repo);
    const cluster = model.clusters[0];
    expect(cluster.bootstrap).toBe('in-tree');
    expect(cluster.rootKey).toBe('flux-system/flux-system');
    // The operator makes the sync Kustomization: no document writes it.
    expect(cluster.kustomizations.get('flux-system/flux-system')!.object).toBeUndefined();
    expect(cluster.kustomizations.get('flux-system/vault')!.path).toBe(`${CLUSTER}/apps/vault`);
    expect(cluster.kustomizations.get('flux-system/forgejo')!.parent).toBe('flux-system/flux-system');
    expect(diagnostics.filter((d) => d.severity !== 'info' && d.ruleId !== 'schema-missing')).toEqual([]);
    expect(model.refs.find((r) => r.kind === 'flux-path' && r.from.doc.file.path === at)?.target).toBe(CLUSTER);
  }

  it('in the inline values of a HelmRelease of the flux-instance chart', () => {
    const repo = operatorTree({ 'flux-instance.yaml': `${CHART_SOURCE}---\n${release(`  values:\n${indent(VALUES, 4)}`)}` }, ['flux-instance.yaml'], usesRootVars);
    expectRooted(repo, `${CLUSTER}/flux-instance.yaml`);
  });

  it('in a values ConfigMap that a configMapGenerator makes from a file', () => {
    const repo = operatorTree(
      {
        'flux/values.yaml': VALUES,
        'flux/release.yaml': `${CHART_SOURCE}---\n${release('  valuesFrom:\n    - kind: ConfigMap\n      name: flux-instance-values\n')}`,
        // The generated name gets a hash; kustomize rewrites valuesFrom to it through the configurations file.
        'flux/kustomization.yaml':
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: flux-system\nresources:\n  - release.yaml\nconfigMapGenerator:\n  - name: flux-instance-values\n    files:\n      - values.yaml\nconfigurations:\n  - kustomizeconfig.yaml\n',
        'flux/kustomizeconfig.yaml': 'nameReference:\n  - kind: ConfigMap\n    version: v1\n    fieldSpecs:\n      - path: spec/valuesFrom/name\n        kind: HelmRelease\n',
      },
      ['flux'],
      usesRootVars,
    );
    expectRooted(repo, `${CLUSTER}/flux/release.yaml`);
  });

  it('as a FluxInstance in the resources of a ResourceSet', () => {
    const instance = `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
spec:
  distribution:
    version: "2.7.x"
    registry: ghcr.io/fluxcd
${indent(VALUES.split('\n').slice(3).join('\n'), 0)}`;
    const set = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: flux
  namespace: flux-system
spec:
  resources:
${indent(`- ${instance.replace(/\n/g, '\n  ')}`, 4)}`;
    const repo = operatorTree({ 'flux.yaml': set }, ['flux.yaml'], usesRootVars);
    expectRooted(repo, `${CLUSTER}/flux.yaml`);
  });
});

describe('a cluster that syncs an OCI artifact CI pushes from a folder of the repository', () => {
  const instance = (path: string) => `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.7.x"
    registry: ghcr.io/fluxcd
  sync:
    kind: OCIRepository
    url: oci://ghcr.io/example/manifests
    ref: latest
    path: ${path}
`;
  /** The whole fixture moved under deploy/: the artifact's root; Flux paths are relative to it. */
  function nested(extra: Record<string, string> = {}) {
    const flat = fixtureCopy({
      [`${CLUSTER}/flux-system/gotk-sync.yaml`]: null,
      [`${CLUSTER}/flux-system/flux-instance.yaml`]: instance('./flux-clusters/stefanzhelev'),
      [`${CLUSTER}/flux-system/kustomization.yaml`]: (s) => s.replace('gotk-sync.yaml', 'flux-instance.yaml'),
    });
    // Everything of the cluster syncs the same artifact (Kustomizations, Terraform modules).
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.yaml')) fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replaceAll('kind: GitRepository\n', 'kind: OCIRepository\n'));
      }
    };
    walk(flat);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-oci-'));
    fs.renameSync(flat, path.join(root, 'deploy'));
    for (const [rel, text] of Object.entries(extra)) fs.writeFileSync(path.join(root, rel), text);
    return root;
  }

  it('is read from the one folder where the sync path is, and says so (info, summary)', () => {
    const root = nested();
    const { model, diagnostics, summary } = lint({ paths: [path.join(root, 'deploy', CLUSTER)], root, cwd: root });
    expect(summary).toMatchObject({ rootReason: 'source-inferred', sourceRoots: [{ source: 'OCIRepository flux-system/flux-system', path: 'deploy', reason: 'inferred' }] });
    expect(model.clusters[0].kustomizations.get('flux-system/vault')!.path).toBe(`deploy/${CLUSTER}/apps/vault`);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.ruleId} ${d.file}:${d.line} ${d.message}`)).toEqual([]);
    expect(diagnostics.filter((d) => d.ruleId === 'source-root')).toEqual([
      expect.objectContaining({
        severity: 'info',
        file: `deploy/${CLUSTER}/flux-system/flux-instance.yaml`,
        line: 14,
        message:
          "OCIRepository flux-system/flux-system is read from deploy/ of this checkout: the sync path './flux-clusters/stefanzhelev' exists only there (say so with 'sources:' in the config: kind OCIRepository, name flux-system, namespace flux-system, path deploy)",
      }),
    ]);
  });

  it('is read from the folder the config maps it to, without an info', () => {
    const root = nested({ '.lint-gitops.yaml': 'sources:\n  - kind: OCIRepository\n    name: flux-system\n    path: deploy\n' });
    const paths = [path.join(root, 'deploy', CLUSTER)];
    const { config } = resolveConfig({ paths, root, cwd: root, rules });
    const { model, diagnostics, summary } = lint({ paths, root, cwd: root, ...configToOptions(config) });
    expect(summary).toMatchObject({ rootReason: 'source-config', sourceRoots: [{ source: 'OCIRepository flux-system/flux-system', path: 'deploy', reason: 'config' }] });
    expect(model.clusters[0].kustomizations.get('flux-system/forgejo')!.path).toBe(`deploy/${CLUSTER}/apps/forgejo`);
    expect(diagnostics.filter((d) => (d.severity !== 'info' && d.ruleId !== 'schema-missing') || d.ruleId === 'source-root').map((d) => `${d.ruleId} ${d.file}:${d.line} ${d.message}`)).toEqual([]);
  });

  it('without a folder where the path is, is not this checkout', () => {
    const root = nested();
    fs.writeFileSync(path.join(root, 'deploy', CLUSTER, 'flux-system', 'flux-instance.yaml'), instance('./clusters/elsewhere'));
    const { summary, model } = lint({ paths: [path.join(root, 'deploy', CLUSTER)], root, cwd: root });
    expect(summary.sourceRoots).toEqual([]);
    expect(model.clusters[0].bootstrap).toBe('synthetic');
  });
});

describe('a FluxInstance rendered from a ResourceSet template', () => {
  it('roots the cluster with the sync path its inputs give', () => {
    const set = `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata:
  name: flux
  namespace: flux-system
spec:
  inputs:
    - cluster: stefanzhelev
  resources:
    - apiVersion: fluxcd.controlplane.io/v1
      kind: FluxInstance
      metadata:
        name: flux
      spec:
        distribution:
          version: "2.7.x"
          registry: ghcr.io/fluxcd
        sync:
          kind: GitRepository
          url: https://github.com/stefanzhelev/homelab.git
          ref: refs/heads/main
          path: flux-clusters/<< inputs.cluster >>
`;
    const repo = fixtureCopy({
      [`${CLUSTER}/flux-system`]: null,
      [`${CLUSTER}/flux.yaml`]: set,
      [`${CLUSTER}/kustomization.yaml`]: (s) => s.replace('  - flux-system\n', '  - flux.yaml\n'),
    });
    const { model, diagnostics } = lintTree(repo);
    expect(model.clusters[0].rootKey).toBe('flux-system/flux-system');
    expect(model.clusters[0].kustomizations.get('flux-system/forgejo')!.parent).toBe('flux-system/flux-system');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
