import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, lintTree, replaceOnce } from '../helpers.js';

/**
 * kustomize-controller merges a Flux Kustomization's targetNamespace, namePrefix/nameSuffix, patches and components
 * into the kustomization it builds (fluxcd/pkg kustomize/kustomize_generator.go WriteFile): they run inside the
 * kustomize build, with its namespace transformer, patch checks, name hashes and name references.
 */
const APPS = `${CLUSTER}/apps/apps.yaml`;
const VAULT_KS = '  name: vault\n  namespace: flux-system\nspec:\n';

describe('the Flux fields kustomize-controller adds to the kustomization it builds', () => {
  it('targetNamespace is kustomize namespace: a Namespace object of the build is renamed to it', () => {
    const repo = fixtureCopy({ [APPS]: replaceOnce(VAULT_KS, `${VAULT_KS}  targetNamespace: secrets\n`) });
    const vault = lintTree(repo).model.clusters[0].kustomizations.get('flux-system/vault')!;
    const ids = vault.objects.map((o) => `${o.kind} ${o.namespace ?? ''}/${o.name}`);
    expect(ids).toContain('Namespace /secrets');
    expect(ids).not.toContain('Namespace /vault');
    expect(ids).toContain('HelmRelease secrets/vault');
  });

  it('targetNamespace is set before name references: a generated values ConfigMap is found under its hashed name', () => {
    const files = {
      'flux-apps/hello/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - release.yaml\nconfigMapGenerator:\n  - name: hello-values\n    namespace: hello\n    files:\n      - values.yaml\nconfigurations:\n  - kustomizeconfig.yaml\n',
      'flux-apps/hello/kustomizeconfig.yaml': 'nameReference:\n  - kind: ConfigMap\n    version: v1\n    fieldSpecs:\n      - path: spec/valuesFrom/name\n        kind: HelmRelease\n',
      'flux-apps/hello/values.yaml': 'replicaCount: 1\n',
      'flux-apps/hello/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: hello
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: hello
    namespace: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: hello-values
`,
      'flux-apps/hello/source.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: hello\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: oci://ghcr.io/example/charts/hello\n  ref:\n    tag: 1.0.0\n',
    };
    const ks = `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: hello
  namespace: flux-system
spec:
  interval: 10m
  path: ./flux-apps/hello
  prune: true
  targetNamespace: hello
  sourceRef:
    kind: GitRepository
    name: flux-system
`;
    const repo = fixtureCopy({ ...files, [APPS]: (s) => s + ks });
    const { model, diagnostics } = lintTree(repo);
    const hello = model.clusters[0].kustomizations.get('flux-system/hello')!;
    const release = hello.objects.find((o) => o.kind === 'HelmRelease')!;
    const values = hello.objects.find((o) => o.kind === 'ConfigMap')!;
    expect(release.namespace).toBe('hello');
    expect(values.name).toMatch(/^hello-values-[a-z0-9]{10}$/);
    expect((release.value.spec as { valuesFrom: { name: string }[] }).valuesFrom[0].name).toBe(values.name);
    expect(diagnostics.filter((d) => d.ruleId === 'ref-not-found')).toEqual([]);
  });

  it('a spec.patches entry that matches nothing fails the build, reported at the patch', () => {
    const patch = `${VAULT_KS}  patches:\n    - patch: |\n        apiVersion: helm.toolkit.fluxcd.io/v2\n        kind: HelmRelease\n        metadata:\n          name: vaultt\n        spec:\n          timeout: 10m\n`;
    const repo = fixtureCopy({ [APPS]: replaceOnce(VAULT_KS, patch) });
    const found = lintRule(repo, 'kustomize-build');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: APPS, line: lineOf(repo, APPS, '    - patch: |') });
    expect(found[0].message).toContain('vaultt');
  });

  it('a ${VAR} in a child Kustomization\'s spec.patches is for the child to substitute, not its parent', () => {
    const patch = `${VAULT_KS}  patches:\n    - patch: |\n        apiVersion: helm.toolkit.fluxcd.io/v2\n        kind: HelmRelease\n        metadata:\n          name: vault\n        spec:\n          values:\n            domain: vault.\${CLUSTER_DOMAIN}\n`;
    const repo = fixtureCopy({ [APPS]: replaceOnce(VAULT_KS, patch) });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([]);
    const vault = lintTree(repo).model.clusters[0].kustomizations.get('flux-system/vault')!;
    const release = vault.objects.find((o) => o.kind === 'HelmRelease')!;
    expect((release.value.spec as { values: { domain: string } }).values.domain).toBe('vault.homelab.example.com');
  });
});

describe('variables the repository leaves to something outside Git (a mutating webhook)', () => {
  const POST_BUILD = '  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n';
  /** Drops the postBuild of every app but the first (vault). */
  const allButVault = (s: string) => {
    const first = s.indexOf(POST_BUILD) + POST_BUILD.length;
    return s.slice(0, first) + s.slice(first).replaceAll(POST_BUILD, '');
  };

  it('one Kustomization that forgets the postBuild its siblings have is a warning per variable it applies literally', () => {
    const repo = fixtureCopy();
    const airflow = (s: string) => {
      const at = s.indexOf('apps/airflow');
      const pb = s.indexOf(POST_BUILD, at);
      return s.slice(0, pb) + s.slice(pb + POST_BUILD.length);
    };
    const broken = fixtureCopy({ [APPS]: airflow });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([]);
    const found = lintRule(broken, 'substitution-undefined');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.severity === 'warning' && f.file === 'flux-apps/airflow/release.yaml')).toBe(true);
    expect(found[0].message).toContain("will be applied literally: Kustomization 'flux-system/airflow' has no postBuild");
  });

  it('when most Kustomizations use the variables without a postBuild, nothing is reported (under strict, a warning)', () => {
    const repo = fixtureCopy({ [APPS]: allButVault });
    expect(lintRule(repo, 'substitution-undefined')).toEqual([]);
    expect(lintRule(repo, 'schema')).toEqual([]);
    expect(lintRule(repo, 'substitution-undefined', { preset: 'strict' }).length).toBeGreaterThan(0);
  });
});

describe('a name left as ${VAR} because its value is unknown here', () => {
  it('may be the object a reference names: no source-not-found', () => {
    const source = `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: \${CHART_NAME:=vault-chart}
  namespace: vault
spec:
  interval: 1h
  url: oci://ghcr.io/example/charts/vault
  ref:
    tag: 1.0.0
`;
    const repo = fixtureCopy({
      'flux-apps/vault/source.yaml': source,
      'flux-apps/vault/kustomization.yaml': replaceOnce('  - release.yaml\n', '  - release.yaml\n  - source.yaml\n'),
      // An optional Secret the tree does not hold: CHART_NAME may be defined in the cluster.
      [APPS]: replaceOnce(
        '      - kind: ConfigMap\n        name: cluster-vars\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
        '      - kind: ConfigMap\n        name: cluster-vars\n      - kind: Secret\n        name: vault-vars\n        optional: true\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: airflow',
      ),
      'flux-apps/vault/release.yaml': (s) => s.replace(/  chart:\n    spec:\n[\s\S]*?(\n  [a-z])/, '  chartRef:\n    kind: OCIRepository\n    name: vault-chart$1'),
    });
    const vault = lintTree(repo).model.clusters[0].kustomizations.get('flux-system/vault')!;
    expect(vault.objects.map((o) => `${o.kind}/${o.name}`)).toContain('OCIRepository/${CHART_NAME:=vault-chart}');
    expect(lintRule(repo, 'source-not-found')).toEqual([]);
  });
});
