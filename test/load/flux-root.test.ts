import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

/**
 * The cluster's root Kustomization is a Flux Kustomization like any other: its spec shapes what it builds.
 * https://fluxcd.io/flux/components/kustomize/kustomizations/ (patches, postBuild, targetNamespace, ... apply to
 * every object of the build, the child Kustomizations included).
 */
const SYNC = `${CLUSTER}/flux-system/gotk-sync.yaml`;
const APPS = `${CLUSTER}/apps/apps.yaml`;

const ROOT_PATCH = `  patches:
    - patch: |-
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: not-used
        spec:
          interval: 10m
      target:
        group: kustomize.toolkit.fluxcd.io
        kind: Kustomization
        labelSelector: defaults.example.com/disabled notin (true)
`;

/** tofu-controller loses its interval, which only the root's patch gives back. */
const noInterval = replaceOnce(
  '  name: tofu-controller\n  namespace: flux-system\nspec:\n  interval: 10m\n',
  '  name: tofu-controller\n  namespace: flux-system\nspec:\n',
);

describe("the root Kustomization's own spec", () => {
  it('is what makes a child without spec.interval valid: without the patch the CRD requires it', () => {
    const repo = fixtureCopy({ [APPS]: noInterval });
    expect(lintRule(repo, 'schema')).toEqual([
      expect.objectContaining({ file: APPS, line: lineOf(repo, APPS, 'spec:', 1), message: "spec is missing required field 'interval'" }),
    ]);
  });

  it('patches the Kustomizations it builds (spec.patches with a set-based labelSelector)', () => {
    const repo = fixtureCopy({ [APPS]: noInterval, [SYNC]: (s) => s + ROOT_PATCH });
    const result = lintTree(repo);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const tofu = result.model.clusters[0].kustomizations.get('flux-system/tofu-controller')!;
    expect((tofu.object!.value.spec as Record<string, unknown>).interval).toBe('10m');
  });

  it('leaves out children the labelSelector excludes', () => {
    const repo = fixtureCopy({
      [APPS]: (s) => replaceOnce('  name: tofu-controller\n  namespace: flux-system\n', '  name: tofu-controller\n  namespace: flux-system\n  labels:\n    defaults.example.com/disabled: "true"\n')(noInterval(s)),
      [SYNC]: (s) => s + ROOT_PATCH,
    });
    expect(lintRule(repo, 'schema')).toEqual([expect.objectContaining({ file: APPS, message: "spec is missing required field 'interval'" })]);
  });

  it("substitutes its postBuild variables in what it builds, from a ConfigMap it builds itself", () => {
    const repo = fixtureCopy({
      [SYNC]: (s) => s + '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n',
      [APPS]: replaceOnce('  path: ./flux-clusters/stefanzhelev/apps/vault\n', '  path: ./flux-clusters/${CLUSTER_NAME}/apps/vault\n'),
    });
    const result = lintTree(repo);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const vault = result.model.clusters[0].kustomizations.get('flux-system/vault')!;
    expect(vault.path).toBe('flux-clusters/stefanzhelev/apps/vault');
    expect(vault.objects.map((o) => `${o.kind}/${o.name}`)).toContain('HelmRelease/vault');
  });

  it('is found in the tree when there is no flux-system bootstrap: the Kustomization whose path is the directory', () => {
    const sync = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster
  namespace: flux-system
spec:
  interval: 10m
  path: ./flux-clusters/stefanzhelev
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${ROOT_PATCH}`;
    const repo = fixtureCopy({
      [`${CLUSTER}/flux-system`]: null,
      [`${CLUSTER}/sync.yaml`]: sync,
      [`${CLUSTER}/kustomization.yaml`]: replaceOnce('  - flux-system\n', '  - sync.yaml\n'),
      [APPS]: noInterval,
    });
    const result = lintTree(repo);
    const cluster = result.model.clusters[0];
    expect(cluster.bootstrap).toBe('in-tree');
    expect(cluster.rootKey).toBe('flux-system/cluster');
    expect(cluster.kustomizations.get('flux-system/cluster')!.parent).toBeUndefined();
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('a GitRepository of another repository', () => {
  const other = (url: string, path: string) => `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: upstream
  namespace: flux-system
spec:
  interval: 1h
  url: ${url}
  ref:
    tag: v1.0.0
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: upstream
  namespace: flux-system
spec:
  interval: 10m
  prune: true
${path}  sourceRef:
    kind: GitRepository
    name: upstream
`;

  it('builds nothing from this checkout, even at the default path ./ (which exists in every checkout)', () => {
    const repo = fixtureCopy({ [APPS]: (s) => s + other('https://github.com/example/upstream', '') });
    const result = lintTree(repo);
    const upstream = result.model.clusters[0].kustomizations.get('flux-system/upstream')!;
    expect(upstream.path).toBeUndefined();
    expect(upstream.objects).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(lintRule(repo, 'source-not-local')).toEqual([
      expect.objectContaining({
        file: APPS,
        severity: 'info',
        message: "spec.path './' is not checked: source GitRepository/flux-system/upstream is another repository (https://github.com/example/upstream)",
      }),
    ]);
  });

  it('builds nothing even where its path also exists here', () => {
    const repo = fixtureCopy({ [APPS]: (s) => s + other('https://github.com/example/upstream', '  path: ./flux-apps/vault\n') });
    const result = lintTree(repo);
    expect(result.model.clusters[0].kustomizations.get('flux-system/upstream')!.objects).toEqual([]);
    expect(result.diagnostics.filter((d) => d.ruleId === 'duplicate-resource')).toEqual([]);
  });

  it('is this checkout when its URL is the bootstrap URL in another spelling', () => {
    const repo = fixtureCopy({ [APPS]: (s) => s.replace(/$/, '') + other('https://github.com/stefanzhelev/homelab.git', '  path: ./flux-apps/vault\n').replace('    tag: v1.0.0\n', '    branch: main\n') });
    const upstream = lintTree(repo).model.clusters[0].kustomizations.get('flux-system/upstream')!;
    expect(upstream.path).toBe('flux-apps/vault');
  });

  it('is not this checkout when its URL is a variable', () => {
    const repo = fixtureCopy({ [APPS]: (s) => s + other('ssh://git@${GIT_HOST}/upstream', '  path: ./flux-apps/vault\n') });
    expect(lintRule(repo, 'source-not-local')).toEqual([
      expect.objectContaining({ message: "spec.path './flux-apps/vault' is not checked: source GitRepository/flux-system/upstream has the URL ssh://git@${GIT_HOST}/upstream, which is not this checkout" }),
    ]);
  });
});

describe('objects applied to another cluster (spec.kubeConfig)', () => {
  const twin = (kubeConfig: string) => `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: dremio-staging
  namespace: flux-system
spec:
  interval: 10m
  path: ./flux-clusters/stefanzhelev/apps/dremio
  prune: true
${kubeConfig}  sourceRef:
    kind: GitRepository
    name: flux-system
`;

  it('are not duplicates of the same objects applied here', () => {
    const repo = fixtureCopy({ [APPS]: (s) => s + twin('  kubeConfig:\n    secretRef:\n      name: staging-kubeconfig\n') });
    expect(lintRule(repo, 'duplicate-resource')).toEqual([]);
    const staging = lintTree(repo).model.clusters[0].kustomizations.get('flux-system/dremio-staging')!;
    expect(staging.objects.length).toBeGreaterThan(0);
    expect(new Set(staging.objects.map((o) => o.target))).toEqual(new Set(['kubeConfig secret flux-system/staging-kubeconfig']));
  });

  it('the same build applied twice to this cluster is', () => {
    const repo = fixtureCopy({ [APPS]: (s) => s + twin('') });
    expect(lintRule(repo, 'duplicate-resource').length).toBeGreaterThan(0);
  });
});
