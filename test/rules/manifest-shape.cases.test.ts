import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const tree = (cm: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': cm });

ruleTester.run('manifest-shape', {
  valid: [
    { name: 'an object with apiVersion, kind and metadata.name', files: tree('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n') },
    { name: 'a List of objects', files: tree('apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: app\n      namespace: default\n') },
  ],
  invalid: [
    {
      name: 'an object without metadata.name, at its metadata',
      files: tree('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: default\n'),
      errors: [
        { file: "apps/app/cm.yaml", line: 3, column: 1, message: "ConfigMap object is missing metadata.name; kustomize cannot build it" },
      ],
    },
    {
      name: 'a document that is a list',
      files: tree('- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: app\n'),
      errors: [
        { file: "apps/app/cm.yaml", line: 1, column: 1, message: "document 1 is a list, not a Kubernetes object" },
      ],
    },
  ],
});
