import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
const kustomizationYaml = (...resources: string[]) =>
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' + resources.map((r) => `  - ${r}\n`).join('');
const tree = (file: string | Buffer) =>
  cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/kustomization.yaml': kustomizationYaml('cm.yaml', 'extra.yaml'), 'apps/app/cm.yaml': cm, 'apps/app/extra.yaml': file });

ruleTester.run('file-unreadable', {
  valid: [{ name: 'UTF-8 text', files: tree(cm.replace('name: app', 'name: café')) }],
  invalid: [
    {
      name: 'a binary file listed as a resource',
      files: tree(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d])),
      errors: [
        { file: "apps/app/extra.yaml", line: 1, column: 1, message: "apps/app/extra.yaml is a binary file, not YAML" },
      ],
    },
    {
      name: 'a file that is not UTF-8',
      files: tree(Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1')),
      errors: [
        { file: "apps/app/extra.yaml", line: 1, column: 1, message: "apps/app/extra.yaml is not valid UTF-8" },
      ],
    },
  ],
});
