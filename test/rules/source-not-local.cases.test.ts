import { cluster, CLUSTER_DIR, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
/** A Kustomization of `sourceKind` 'manifests', and that source. */
const tree = (sourceKind: string, source: string) =>
  cluster({
    [apps]: yaml`
      ${source}
      ---
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata:
        name: app
        namespace: flux-system
      spec:
        interval: 10m
        path: ./deploy
        prune: true
        sourceRef:
          kind: ${sourceKind}
          name: manifests
    `,
  });
const oci = 'apiVersion: source.toolkit.fluxcd.io/v1\n      kind: OCIRepository\n      metadata:\n        name: manifests\n        namespace: flux-system\n      spec:\n        interval: 10m\n        url: oci://ghcr.io/example/manifests\n        ref:\n          tag: latest';
const git = 'apiVersion: source.toolkit.fluxcd.io/v1\n      kind: GitRepository\n      metadata:\n        name: manifests\n        namespace: flux-system\n      spec:\n        interval: 10m\n        url: https://github.com/example/manifests\n        ref:\n          branch: main';

ruleTester.run('source-not-local', {
  valid: [
    {
      name: 'a Kustomization of this checkout',
      files: cluster({
        [apps]: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./deploy\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
        'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'a Kustomization of an OCI artifact',
      files: tree('OCIRepository', oci),
      errors: [
        { file: "clusters/test/apps.yaml", line: 19, column: 9, severity: 'info', message: "spec.path './deploy' is not checked: source OCIRepository/flux-system/manifests is an artifact, not this checkout" },
      ],
    },
    {
      name: 'a Kustomization of another Git repository',
      files: tree('GitRepository', git),
      errors: [
        { file: "clusters/test/apps.yaml", line: 19, column: 9, severity: 'info', message: "spec.path './deploy' is not checked: source GitRepository/flux-system/manifests is another repository (https://github.com/example/manifests)" },
      ],
    },
  ],
});
