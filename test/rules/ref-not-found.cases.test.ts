import { cluster, CLUSTER_DIR, fluxKustomization, helmRelease, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const release = (valuesFrom: string) => helmRelease({ spec: '  valuesFrom:\n' + valuesFrom });
const values = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-values\n  namespace: default\ndata:\n  values.yaml: "replicaCount: 2"\n';
const tree = (valuesFrom: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/release.yaml': release(valuesFrom), 'apps/app/values.yaml': values });

ruleTester.run('ref-not-found', {
  valid: [
    { name: 'a valuesFrom ConfigMap the Kustomization builds', files: tree('    - kind: ConfigMap\n      name: podinfo-values\n') },
    {
      name: 'a Secret declared external (created outside git)',
      files: tree('    - kind: Secret\n      name: podinfo-token\n'),
      options: { external: [{ kind: 'Secret', name: 'podinfo-token', namespace: 'default' }] },
    },
  ],
  invalid: [
    {
      name: 'a valuesFrom typo, with the closest ConfigMap',
      files: tree('    - kind: ConfigMap\n      name: podinfo-value\n'),
      errors: [
        { file: "apps/app/release.yaml", line: 25, column: 13, severity: 'error', message: "HelmRelease spec.valuesFrom[0] ConfigMap 'default/podinfo-value' does not exist: nothing in this cluster builds or produces it; did you mean 'podinfo-values'?" },
      ],
    },
    {
      name: 'a missing optional valuesFrom is an info',
      files: tree('    - kind: Secret\n      name: podinfo-token\n      optional: true\n'),
      errors: [
        { file: "apps/app/release.yaml", line: 25, column: 13, severity: 'info', message: "HelmRelease spec.valuesFrom[0] Secret 'default/podinfo-token' does not exist in this cluster; it is optional, so the controller goes on without it" },
      ],
    },
  ],
});
