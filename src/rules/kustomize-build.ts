import type { Rule } from './types.js';

export const kustomizeBuild: Rule = {
  id: 'kustomize-build',
  severity: 'error',
  description:
    'kustomize refuses to build a kustomization: a patch or replacement that finds nothing, two objects with one id, a label selector it cannot parse, a plugin Flux does not run.',
  docs: {
    why: 'kustomize-controller builds with kustomize; when kustomize fails, the Kustomization that builds the directory fails and applies nothing. A strategic-merge patch without a target must match exactly one object by apiVersion, kind, name and namespace; a replacement needs its source and, without `create`, its target fields; two objects with the same id (two Namespaces renamed to one by `namespace:`) are refused.',
    wrong: '# the Deployment is in namespace apps; the patch names none\npatches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: web\n      spec:\n        replicas: 2',
    right: 'patches:\n  - patch: |\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: web\n        namespace: apps\n      spec:\n        replicas: 2',
  },
  check({ model, report }) {
    for (const e of model.kustomizeErrors ?? []) report(e.at, e.message);
  },
};
