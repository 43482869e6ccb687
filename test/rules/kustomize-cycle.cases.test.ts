import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const kustomizationYaml = (...resources: string[]) =>
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' + resources.map((r) => `  - ${r}\n`).join('');

ruleTester.run('kustomize-cycle', {
  valid: [
    {
      name: 'a wrapper that includes a base',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': kustomizationYaml('base'), 'apps/app/base/kustomization.yaml': kustomizationYaml('cm.yaml'), 'apps/app/base/cm.yaml': cm }),
    },
  ],
  invalid: [
    {
      name: 'a base that includes the wrapper that includes it',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/kustomization.yaml': kustomizationYaml('base'),
        'apps/app/base/kustomization.yaml': kustomizationYaml('cm.yaml', '..'),
        'apps/app/base/cm.yaml': cm,
      }),
      errors: [
        { file: "apps/app/base/kustomization.yaml", line: 5, column: 5, message: "resources entry '..' includes apps/app, which is already being built: a kustomization cycle" },
      ],
    },
  ],
});
