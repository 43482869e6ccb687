import type { Rule } from './types.js';

export const unreferencedFile: Rule = {
  id: 'unreferenced-file',
  severity: 'info',
  // Needs every cluster's reads: a base one cluster leaves out may be another's.
  scope: 'run',
  description: 'A YAML file under a cluster, or beside files the build reads, that no kustomization or Flux path reaches.',
  docs: {
    why: 'A manifest that nothing lists is never applied: usually a resource someone forgot to add to kustomization.yaml, or a leftover that misleads readers.',
    wrong: '# flux-apps/vault/kustomization.yaml\nresources: [helmrelease.yaml]\n# flux-apps/vault/policy.yaml exists but is not listed',
    right: 'resources: [helmrelease.yaml, policy.yaml]',
  },
  check({ model, report }) {
    for (const path of model.yamlFilesInScope) {
      const file = model.files.get(path);
      if (file && file.roles.size > 0) continue;
      report({ path }, `${path} is not referenced by any kustomization or Flux Kustomization; it is never applied`);
    }
  },
};

