import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const kustomizationYaml = (...resources: string[]) =>
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' + resources.map((r) => `  - ${r}\n`).join('');

ruleTester.run('unreferenced-file', {
  valid: [
    { name: 'every file listed', files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': kustomizationYaml('cm.yaml'), 'apps/app/cm.yaml': cm }) },
    { name: 'a folder without kustomization.yaml: Flux applies every manifest in it', files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': cm, 'apps/app/other.yaml': cm.replace('name: app', 'name: other') }) },
  ],
  invalid: [
    {
      name: 'a manifest beside a kustomization.yaml that does not list it',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/kustomization.yaml': kustomizationYaml('cm.yaml'),
        'apps/app/cm.yaml': cm,
        'apps/app/forgotten.yaml': cm.replace('name: app', 'name: forgotten'),
      }),
      errors: [
        { file: "apps/app/forgotten.yaml", line: 1, column: 1, severity: 'info', message: "apps/app/forgotten.yaml is not referenced by any kustomization or Flux Kustomization; it is never applied" },
      ],
    },
  ],
});
