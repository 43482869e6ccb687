import { cluster, CLUSTER_DIR, fluxKustomization, helmRelease, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const release = (apiVersion: string) => helmRelease({ apiVersion });

ruleTester.run('deprecated-api', {
  valid: [{ name: 'a HelmRelease on helm.toolkit.fluxcd.io/v2', files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': release('helm.toolkit.fluxcd.io/v2') }) }],
  invalid: [
    {
      name: 'a HelmRelease still on v2beta1',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': release('helm.toolkit.fluxcd.io/v2beta1') }),
      errors: [
        { file: "apps/app/release.yaml", line: 10, column: 13, severity: 'error', message: "helm.toolkit.fluxcd.io/v2beta1 HelmRelease is not served by Flux 2.7 and later (removed in Flux 2.7); this repository does not say which Flux version the cluster runs, so it is judged against the current release; use helm.toolkit.fluxcd.io/v2 HelmRelease" },
      ],
    },
    {
      name: 'a removed Kubernetes API',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/pdb.yaml': 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: app\n  namespace: default\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: app\n',
      }),
      errors: [
        { file: "apps/app/pdb.yaml", line: 1, column: 13, message: "policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; use policy/v1 PodDisruptionBudget" },
      ],
    },
  ],
});
