import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const kustomizationYaml = (...resources: string[]) =>
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' + resources.map((r) => `  - ${r}\n`).join('');

ruleTester.run('path-not-found', {
  valid: [
    {
      name: 'a Flux path and a kustomize resource that exist',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': kustomizationYaml('cm.yaml'), 'apps/app/cm.yaml': cm }),
    },
  ],
  invalid: [
    {
      name: 'a Flux spec.path that does not exist',
      files: cluster({ [apps]: fluxKustomization('app', './apps/ap'), 'apps/app/cm.yaml': cm }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 8, column: 9, message: "spec.path './apps/ap' does not exist; did you mean './apps/app'?" },
      ],
    },
    {
      name: 'a kustomize resource typo, with the closest file',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': kustomizationYaml('cm.yml'), 'apps/app/cm.yaml': cm }),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 4, column: 5, message: "resources entry 'cm.yml' does not exist (resolved to apps/app/cm.yml); did you mean 'cm.yaml'?" },
      ],
    },
    {
      name: 'a resource directory without a kustomization.yaml',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/kustomization.yaml': kustomizationYaml('base'),
        'apps/app/base/cm.yaml': cm,
      }),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 4, column: 5, message: "resources entry 'base' is a directory without a kustomization.yaml; kustomize can only include directories that have one (list its files instead, or add one)" },
      ],
    },
  ],
});
