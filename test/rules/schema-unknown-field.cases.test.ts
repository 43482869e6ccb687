import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const tree = (spec: string, kustomization?: string) =>
  cluster({
    [apps]: fluxKustomization('infra', './apps/infra') + '---\n' + fluxKustomization('app', './apps/app', spec),
    'apps/infra/cm.yaml': cm.replace('name: app', 'name: infra'),
    'apps/app/cm.yaml': cm,
    ...(kustomization ? { 'apps/app/kustomization.yaml': kustomization } : {}),
  });

ruleTester.run('schema-unknown-field', {
  valid: [{ name: 'dependsOn spelt right', files: tree('dependsOn:\n  - name: infra') }],
  invalid: [
    {
      name: 'a misspelt dependsOn, with the field it meant',
      files: tree('dependOn:\n  - name: infra'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 26, column: 3, message: "spec has unknown field 'dependOn'; did you mean 'dependsOn'?" },
      ],
    },
    {
      name: 'an unknown field of a kustomization file',
      files: tree('', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - cm.yaml\n'),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 3, column: 1, message: "Kustomization has unknown field 'resource'; did you mean 'resources'?" },
      ],
    },
  ],
});
