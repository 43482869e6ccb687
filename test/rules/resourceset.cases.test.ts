import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
/** A Flux Operator ResourceSet: one ConfigMap per input set (https://fluxcd.control-plane.io/operator/resourcesets/). */
const resourceSet = (value: string) => yaml`
  apiVersion: fluxcd.controlplane.io/v1
  kind: ResourceSet
  metadata:
    name: tenants
    namespace: default
  spec:
    inputs:
      - tenant: team1
        domain: t1.example.com
    resources:
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: << inputs.tenant >>-settings
          namespace: default
        data:
          domain: ${value}
`;
const tree = (value: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/tenants.yaml': resourceSet(value) });

ruleTester.run('resourceset', {
  valid: [{ name: 'a template reading inputs that exist', files: tree('<< inputs.domain >>') }],
  invalid: [
    {
      name: 'a template reading a missing input, at the value that reads it',
      files: tree('<< inputs.domian >>'),
      errors: [
        { file: "apps/app/tenants.yaml", line: 17, column: 26, severity: 'error', message: "ResourceSet default/tenants: template: map has no entry for key \"domian\" (input set 0)" },
      ],
    },
    {
      name: 'a template calling a function the operator does not define',
      files: tree('<< inputs.domain | slugifi >>'),
      errors: [
        { file: "apps/app/tenants.yaml", line: 17, column: 36, message: "ResourceSet default/tenants: template: function \"slugifi\" not defined" },
      ],
    },
  ],
});
