import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester } from '../rule-tester.js';
import { LIMITS } from '../../src/index.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\n';
/** A manifest of `n` documents, each opened by `---` (all but the first empty). */
const documents = (n: number) => '---\n' + cm + '---\n'.repeat(n - 1);

ruleTester.run('limit-exceeded', {
  valid: [
    { name: `a file of ${LIMITS.MAX_DOCUMENTS} documents`, files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': documents(LIMITS.MAX_DOCUMENTS) }) },
    {
      name: `${LIMITS.MAX_DOCUMENTS} markers after a comment and a directive only: ${LIMITS.MAX_DOCUMENTS} documents`,
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': '# a comment\n%YAML 1.2\n\n' + documents(LIMITS.MAX_DOCUMENTS) }),
    },
  ],
  invalid: [
    {
      name: 'a file of one document more than the limit',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': documents(LIMITS.MAX_DOCUMENTS + 1) }),
      errors: [
        { file: "apps/app/cm.yaml", line: 1, column: 1, message: "apps/app/cm.yaml: 10001 YAML documents, over the limit of 10000 (MAX_DOCUMENTS); it was not parsed" },
      ],
    },
    {
      name: 'a first document without its own --- counts too: content, then as many markers as the limit',
      files: cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/cm.yaml': '# a comment\n' + cm + '---\n'.repeat(LIMITS.MAX_DOCUMENTS) }),
      errors: [
        { file: "apps/app/cm.yaml", line: 1, column: 1, message: "apps/app/cm.yaml: 10001 YAML documents, over the limit of 10000 (MAX_DOCUMENTS); it was not parsed" },
      ],
    },
  ],
});
