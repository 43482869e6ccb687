import { describeRef } from './path-format.js';
import type { Rule } from './types.js';

export const kustomizeCycle: Rule = {
  id: 'kustomize-cycle',
  severity: 'error',
  description: 'A kustomization includes itself through its resources or components.',
  docs: {
    why: 'kustomize fails with "cycle detected", so the Kustomization that builds it never applies.',
    wrong: '# a/kustomization.yaml\nresources: [../b]\n# b/kustomization.yaml\nresources: [../a]',
    right: '# a/kustomization.yaml\nresources: [../b]\n# b/kustomization.yaml\nresources: [deployment.yaml]',
  },
  check({ model, report }) {
    for (const ref of model.refs) {
      if (ref.status !== 'cycle') continue;
      report(ref.from, `${describeRef(ref)} includes ${ref.target}, which is already being built: a kustomization cycle`);
    }
  },
};
