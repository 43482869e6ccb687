import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const kustomizationYaml = (...resources: string[]) =>
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' + resources.map((r) => `  - ${r}\n`).join('');

ruleTester.run('remote-resource', {
  valid: [{ name: 'local resources only', files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': kustomizationYaml('cm.yaml'), 'apps/app/cm.yaml': cm }) }],
  invalid: [
    {
      name: 'a remote base listed as a resource',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/kustomization.yaml': kustomizationYaml('cm.yaml', 'https://github.com/example/manifests//deploy?ref=v1.0.0'),
        'apps/app/cm.yaml': cm,
      }),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 5, column: 5, severity: 'info', message: "remote resource 'https://github.com/example/manifests//deploy?ref=v1.0.0' is not checked offline" },
      ],
    },
  ],
});
