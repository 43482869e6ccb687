import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const tree = (cm: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': cm });

ruleTester.run('yaml-syntax', {
  valid: [{ name: 'a well-formed manifest', files: tree('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  key: "value"\n') }],
  invalid: [
    {
      name: 'an unterminated quote, where it opens',
      files: tree('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  key: "value\n'),
      errors: [
        { file: "apps/app/cm.yaml", line: 7, column: 8, message: "YAML syntax error: Missing closing \"quote" },
      ],
    },
    {
      name: 'a tab used for indentation',
      files: tree('apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: app\n'),
      errors: [
        { file: "apps/app/cm.yaml", line: 4, column: 1, message: "YAML syntax error: Tabs are not allowed as indentation" },
      ],
    },
  ],
});
