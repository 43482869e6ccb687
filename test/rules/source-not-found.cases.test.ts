import { cluster, CLUSTER_DIR, helmRelease, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const kustomization = (source: string) => yaml`
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: app
    namespace: flux-system
  spec:
    interval: 10m
    path: ./apps/app
    prune: true
    sourceRef:
      kind: GitRepository
      name: ${source}
`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const release = (repository: string) => helmRelease({ repository });

ruleTester.run('source-not-found', {
  valid: [
    { name: 'a Kustomization of the bootstrap GitRepository', files: cluster({ [apps]: kustomization('flux-system'), 'apps/app/cm.yaml': cm }) },
    { name: 'a HelmRelease of a HelmRepository beside it', files: cluster({ [apps]: kustomization('flux-system'), 'apps/app/release.yaml': release('podinfo') }) },
  ],
  invalid: [
    {
      name: 'a Kustomization sourceRef typo',
      files: cluster({ [apps]: kustomization('flux-sytem'), 'apps/app/cm.yaml': cm }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 12, column: 11, message: "Kustomization spec.sourceRef GitRepository 'flux-system/flux-sytem' does not exist in this cluster; did you mean 'flux-system'?" },
      ],
    },
    {
      name: 'a HelmRelease chart sourceRef typo',
      files: cluster({ [apps]: kustomization('flux-system'), 'apps/app/release.yaml': release('podinf') }),
      errors: [
        { file: "apps/app/release.yaml", line: 22, column: 15, message: "HelmRelease spec.chart.spec.sourceRef HelmRepository 'default/podinf' does not exist in this cluster; did you mean 'podinfo'?" },
      ],
    },
  ],
});
