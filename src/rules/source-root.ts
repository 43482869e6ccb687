import type { Rule } from './types.js';

export const sourceRoot: Rule = {
  id: 'source-root',
  severity: 'info',
  description: "A Flux source (an OCI artifact or Bucket) is taken to be a folder of this checkout, inferred from where a FluxInstance's sync path is; `sources:` in the config says so explicitly.",
  docs: {
    why:
      'CI often pushes a folder of the repository as an OCI artifact (`flux push artifact --path=kubernetes`) and the cluster syncs that artifact. Its paths are relative to that folder, not to the repository. lint-gitops reads such a source from the one folder where the sync path of the cluster being linted exists, and says so: if the guess is wrong, every path built from that source is read from the wrong place.',
    wrong: '# FluxInstance spec.sync: {kind: OCIRepository, path: ./clusters/prod}, linted from the repository root\n# where the path is kubernetes/clusters/prod: inferred, reported here',
    right: '# .lint-gitops.yaml\nsources:\n  - kind: OCIRepository\n    name: flux-system\n    namespace: flux-system\n    path: kubernetes',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      for (const s of cluster.sourceRoots) {
        if (s.reason !== 'inferred' || !s.at) continue;
        const label = `${s.source.kind} ${s.source.namespace}/${s.source.name}`;
        report(
          s.at,
          `${label} is read from ${s.path}/ of this checkout: the sync path '${s.syncPath}' exists only there (say so with 'sources:' in the config: kind ${s.source.kind}, name ${s.source.name}, namespace ${s.source.namespace}, path ${s.path})`,
        );
      }
    }
  },
};
