import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const tree = (value: string) =>
  cluster({
    [apps]: fluxKustomization('app', './apps/app', 'postBuild:\n  substitute:\n    CLUSTER_DOMAIN: example.com'),
    'apps/app/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  host: ${value}\n`,
  });

ruleTester.run('substitution-undefined', {
  valid: [
    { name: 'a defined variable', files: tree('app.${CLUSTER_DOMAIN}') },
    { name: 'an undefined variable with a default', files: tree('app.${DOMAIN:=example.org}') },
    { name: 'an escaped $${VAR}', files: tree('app.$${DOMAIN}') },
  ],
  invalid: [
    {
      name: 'a misspelt variable, with the closest defined one',
      files: tree('app.${CLUSTER_DOMIAN}'),
      errors: [
        { file: "apps/app/cm.yaml", line: 7, column: 9, message: "'${CLUSTER_DOMIAN}' is not defined by the postBuild of Kustomization 'flux-system/app' (substitute); Flux substitutes an empty string; did you mean 'CLUSTER_DOMAIN'?" },
      ],
    },
  ],
});
