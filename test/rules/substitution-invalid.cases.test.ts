import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const tree = (value: string, postBuild = 'postBuild:\n  substitute:\n    DOMAIN: example.com') =>
  cluster({
    [apps]: fluxKustomization('app', './apps/app', postBuild),
    'apps/app/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  host: "${value}"\n`,
  });

ruleTester.run('substitution-invalid', {
  valid: [
    { name: 'a well-formed expression', files: tree('app.${DOMAIN}') },
    { name: 'no postBuild: Flux does not substitute', files: tree('app.${DOMAIN', '') },
  ],
  invalid: [
    {
      name: 'an expression Flux cannot parse',
      files: tree('app.${DOMAIN'),
      errors: [
        { file: "apps/app/cm.yaml", line: 7, column: 9, message: "Flux cannot substitute '${DOMAIN' (missing closing brace): Kustomization 'flux-system/app' fails; escape a literal as $${...}, or annotate the object kustomize.toolkit.fluxcd.io/substitute: disabled" },
      ],
    },
    {
      name: 'a variable name the controller rejects, at its source',
      files: tree('app', 'postBuild:\n  substitute:\n    my-domain: example.com'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 15, column: 7, message: "variable name 'my-domain' (from substitute) is invalid: kustomize-controller requires ^[_[:alpha:]][_[:alpha:][:digit:]]*$ and fails Kustomization 'flux-system/app'" },
      ],
    },
  ],
});
