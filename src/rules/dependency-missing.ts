import { dependencyGraph } from '../graph/dependency-graph.js';
import { closest } from './did-you-mean.js';
import type { Rule } from './types.js';

export const dependencyMissing: Rule = {
  id: 'dependency-missing',
  severity: 'error',
  description: 'A dependsOn entry names a Kustomization, HelmRelease or ResourceSet that the cluster does not define.',
  docs: {
    why: 'Flux keeps the dependent waiting with "dependency \'…\' not found" and retries forever: it never reconciles, and neither does anything that depends on it. A missing namespace in the entry means the referrer\'s own namespace.',
    wrong: 'dependsOn:\n  - name: cloudnative-pgg',
    right: 'dependsOn:\n  - name: cloudnative-pg',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      const graph = dependencyGraph(cluster);
      for (const e of graph.entries()) {
        if (e.target) continue;
        const kind = e.kind;
        const sameKind = graph.nodes(kind);
        const what = `${kind} '${e.name}'`;
        let hint = '';
        const elsewhere = sameKind.filter((n) => n.name === e.name).map((n) => n.namespace);
        if (elsewhere.length > 0) {
          const where = elsewhere.sort().map((n) => `'${n}'`).join(', ');
          hint = e.namespaced ? `; there is one in namespace ${where}: fix the entry's namespace` : `; there is one in namespace ${where}: add 'namespace: ${elsewhere[0]}' to the entry`;
        } else {
          const guess = closest(e.name, sameKind.filter((n) => n.namespace === e.namespace).map((n) => n.name));
          if (guess !== undefined) hint = `; did you mean '${guess}'?`;
        }
        report(e.at, `dependsOn ${what} does not exist in namespace '${e.namespace}' of cluster ${cluster.name}${hint}`);
      }
    }
  },
};
