import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
/** A comment above spec.suspend of app. */
const tree = (comment: string, suspend: string) =>
  cluster({ [apps]: fluxKustomization('app', './apps/app', `${comment}\nsuspend: ${suspend}`), 'apps/app/cm.yaml': cm });

ruleTester.run('unused-suppression', {
  valid: [{ name: 'a suppression that hides a finding', files: tree('# lint-gitops-disable-next-line suspended -- paused during the migration', 'true') }],
  invalid: [
    {
      name: 'a suppression with nothing left to hide',
      files: tree('# lint-gitops-disable-next-line suspended -- paused during the migration', 'false'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 13, column: 3, severity: 'warning', message: "unused lint-gitops-disable-next-line for 'suspended': no such finding on line 14" },
      ],
    },
    {
      name: 'a suppression naming a rule that does not exist',
      files: tree('# lint-gitops-disable-next-line suspend', 'true'),
      errors: [
        { file: "clusters/test/apps.yaml", line: 13, column: 3, message: "lint-gitops-disable-next-line names unknown rule 'suspend'; did you mean 'suspended'?" },
      ],
    },
  ],
});
