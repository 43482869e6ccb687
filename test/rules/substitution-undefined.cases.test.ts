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
        { file: "apps/app/cm.yaml", line: 7, column: 9, severity: 'warning', message: "'${CLUSTER_DOMIAN}' is not defined by the postBuild of Kustomization 'flux-system/app' (substitute); Flux substitutes an empty string; did you mean 'CLUSTER_DOMAIN'?" },
      ],
    },
    {
      name: 'under the StrictPostBuildSubstitutions feature gate (a FluxInstance patch), an error: Flux fails the Kustomization',
      files: {
        ...tree('app.${CLUSTER_DOMIAN}'),
        [`${CLUSTER_DIR}/flux.yaml`]:
          'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: flux-system\nspec:\n  distribution:\n    version: 2.7.x\n    registry: ghcr.io/fluxcd\n' +
          '  kustomize:\n    patches:\n      - target:\n          kind: Deployment\n          name: kustomize-controller\n        patch: |\n          - op: add\n            path: /spec/template/spec/containers/0/args/-\n            value: --feature-gates=StrictPostBuildSubstitutions=true\n',
      },
      errors: [
        { file: "apps/app/cm.yaml", line: 7, column: 9, severity: 'error', message: "'${CLUSTER_DOMIAN}' is not defined by the postBuild of Kustomization 'flux-system/app' (substitute); the Kustomization fails: FluxInstance flux-system/flux runs kustomize-controller with StrictPostBuildSubstitutions; did you mean 'CLUSTER_DOMAIN'?" },
      ],
    },
  ],
});
