import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  a: "1"\n';
const tree = (patchName: string) =>
  cluster({
    [apps]: fluxKustomization('app', './apps/app'),
    'apps/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\npatches:\n  - path: patch.yaml\n',
    'apps/app/cm.yaml': cm,
    'apps/app/patch.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${patchName}\n  namespace: default\ndata:\n  a: "2"\n`,
  });

ruleTester.run('kustomize-build', {
  valid: [{ name: 'a strategic-merge patch of an object of the build', files: tree('app') }],
  invalid: [
    {
      name: 'a strategic-merge patch whose id matches no object',
      files: tree('ap'),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 6, column: 5, message: "no object matches the strategic-merge patch of ConfigMap v1 default/ap" },
      ],
    },
    {
      name: 'a resource listed twice',
      files: cluster({
        [apps]: fluxKustomization('app', './apps/app'),
        'apps/app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n  - cm.yaml\n',
        'apps/app/cm.yaml': cm,
      }),
      errors: [
        { file: "apps/app/kustomization.yaml", line: 5, column: 5, message: "ConfigMap v1 default/app is already in the build of apps/app: kustomize refuses two objects with one id" },
      ],
    },
  ],
});
