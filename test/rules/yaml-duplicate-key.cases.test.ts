import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  a: "1"\n';

ruleTester.run('yaml-duplicate-key', {
  valid: [{ name: 'distinct keys', files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': cm + '  b: "2"\n' }) }],
  invalid: [
    {
      name: 'a key twice in a manifest, naming the first',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': cm + '  a: "2"\n' }),
      errors: [
        { file: "apps/app/cm.yaml", line: 8, column: 3, severity: 'error', message: "duplicate key 'a' (first at line 7); only one of the two values would be used" },
      ],
    },
    {
      name: 'a key twice in a kustomization file: kustomize keeps the last (a warning)',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: default\nresources:\n  - cm.yaml\nnamespace: other\n',
        'apps/app/cm.yaml': cm,
      }),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 6, column: 1, severity: 'warning', message: "duplicate key 'namespace' (first at line 3); kustomize keeps only this last value" },
      ],
    },
  ],
});
