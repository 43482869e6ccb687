import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const wrapper = (base: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${base}\n`;

ruleTester.run('path-outside-root', {
  valid: [
    {
      name: 'a ../ path that stays inside the repository',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': wrapper('../../bases/app'), 'bases/app/kustomization.yaml': wrapper('cm.yaml'), 'bases/app/cm.yaml': cm }),
    },
  ],
  invalid: [
    {
      name: 'a ../ chain that leaves the repository root',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': wrapper('../../../bases/app') }),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 4, column: 5, message: "resources entry '../../../bases/app' points outside the repository root; Flux only sees files inside the source" },
      ],
    },
  ],
});
