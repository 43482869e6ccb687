import { dependencyGraph } from '../graph/dependency-graph.js';
import type { Rule } from './types.js';

export const dependencyCycle: Rule = {
  id: 'dependency-cycle',
  severity: 'error',
  description: 'Kustomizations (or HelmReleases) depend on each other in a loop through dependsOn.',
  docs: {
    why: 'Each one waits for the next to become ready, so none of them ever reconciles, and everything that depends on them waits too. Reported once per cycle, at the dependsOn entry that closes it (the one pointing at something written after it).',
    wrong: '# vault\ndependsOn:\n  - name: grafana\n# grafana depends (through cloudnative-pg and external-secrets-config) on vault',
    right: '# vault\n# (no dependsOn: vault is a root of the graph)',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      for (const cycle of dependencyGraph(cluster).cycles()) {
        const ns = cycle.nodes[0].namespace;
        const sameNs = cycle.nodes.every((n) => n.namespace === ns);
        const names = cycle.nodes.map((n) => (sameNs ? n.name : `${n.namespace}/${n.name}`));
        const loop = [...names, names[0]].join(' → ');
        const kind = `${cycle.nodes[0].kind}s`;
        const message =
          cycle.nodes.length === 1
            ? `${names[0]} depends on itself: Flux never reconciles it; remove this entry`
            : `dependsOn cycle between ${kind}: ${loop}; none of them ever becomes ready, so Flux reconciles none of them; remove the entry that closes the loop (this one, ${names[0]} → ${names[1]}) or another link`;
        report(cycle.closing.at, message);
      }
    }
  },
};
