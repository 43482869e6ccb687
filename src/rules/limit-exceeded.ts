import type { Rule } from './types.js';

export const limitExceeded: Rule = {
  id: 'limit-exceeded',
  // A cluster's build limits, and once per run the limits discovery hit (RepoPlan.discoveryLimits).
  scope: 'cluster-and-run',
  severity: 'error',
  description:
    "The repository exceeds one of the linter's documented limits (YAML documents or tokens per file, objects per kustomize build or per cluster, Flux Kustomizations per cluster); the rest is not checked.",
  docs: {
    why: 'A build that large is almost always bases multiplying through overlays of overlays, or a Kustomization that keeps generating new ones; kustomize-controller would take minutes or run out of memory. The linter stops there, says so, and does not hang.',
    wrong: '# overlays/a and overlays/b each include base twice, and so on 20 levels deep:\nresources: [../a, ../b]',
    right: 'resources: [../base]',
  },
  check({ model, report }) {
    for (const file of model.files.values()) {
      if (file.problem?.kind === 'limit' && file.roles.size > 0) report({ file, start: 0, end: 0 }, `${file.path}: ${file.problem.reason}`);
    }
    for (const hit of model.limits) report(hit.at, hit.message);
  },
};
