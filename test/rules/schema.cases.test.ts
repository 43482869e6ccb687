import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';

ruleTester.run('schema', {
  valid: [{ name: 'a valid Kustomization and ConfigMap', files: cluster({ [apps]: fluxKustomization('app', './apps/app', 'wait: true\ntimeout: 5m'), 'apps/app/cm.yaml': cm }) }],
  invalid: [
    {
      name: 'a wrong type, at the value',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app', 'wait: "yes"'), 'apps/app/cm.yaml': cm }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 13, column: 9, message: "spec.wait must be a boolean" },
      ],
    },
    {
      name: 'an interval that does not match the pattern',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app').replace('interval: 10m', 'interval: 10 minutes'), 'apps/app/cm.yaml': cm }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 7, column: 13, message: "spec.interval must match pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" },
      ],
    },
    {
      name: 'a value outside an enum, naming the allowed ones',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app').replace('kind: GitRepository', 'kind: GitRepo'), 'apps/app/cm.yaml': cm }),
      errors: [
        { file: "clusters/test/apps.yaml", line: 11, column: 11, message: "spec.sourceRef.kind must be one of OCIRepository, GitRepository, Bucket, ExternalArtifact" },
      ],
    },
  ],
});
