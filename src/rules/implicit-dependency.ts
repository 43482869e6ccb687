import { objectLocation } from '../load/index.js';
import { displayName } from '../graph/dependency-graph.js';
import { describeObject, implicitDependencies, type ImplicitNeed } from '../graph/implicit-dependencies.js';
import type { Rule } from './types.js';

/** Objects listed per finding; the rest are counted. */
const MAX_REASONS = 3;

export const implicitDependency: Rule = {
  id: 'implicit-dependency',
  severity: 'warning',
  description:
    "A Kustomization applies objects that use what another Kustomization builds (a Namespace, a CRD, a Secret, a secret store, a database cluster, a source) without that one in its dependsOn closure.",
  docs: {
    why: 'Flux reconciles Kustomizations in parallel unless dependsOn orders them. On a fresh cluster (or after a restore) the server-side dry-run rejects an object whose CRD or Namespace does not exist yet, and a HelmRelease or ExternalSecret whose Secret or store is missing fails; the order only works today because the other one happened to be applied first.',
    wrong: '# forgejo applies a postgresql.cnpg.io Database; cloudnative-pg installs the CNPG CRDs\ndependsOn:\n  - name: external-secrets-config',
    right: 'dependsOn:\n  - name: cloudnative-pg\n  - name: external-secrets-config',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      for (const dep of implicitDependencies(cluster)) {
        const a = dep.consumer;
        const b = dep.provider;
        const aName = displayName(a, a.namespace);
        const bName = displayName(b, a.namespace);
        const need = (n: ImplicitNeed) => (n.via ? `${n.what} (${n.via})` : n.what);
        const shown = dep.reasons.slice(0, MAX_REASONS).map((r) => `${describeObject(r.object)} needs ${r.needs.map(need).join(', ')}`);
        const more = dep.reasons.length - shown.length;
        if (more > 0) shown.push(`and ${more} more object${more === 1 ? '' : 's'}`);
        const entry = b.namespace === a.namespace ? `- name: ${b.name}` : `- name: ${b.name}, namespace: ${b.namespace}`;
        const spec = a.object.value.spec as Record<string, unknown> | undefined;
        const at = Array.isArray(spec?.dependsOn)
          ? { ...objectLocation(a.object, ['spec', 'dependsOn']), key: true }
          : objectLocation(a.object, ['metadata', 'name']);
        const fix = dep.wouldCycle
          ? `${bName} already depends on ${aName}, so a dependsOn entry would make a cycle: move these objects into ${bName}, or split what ${aName} builds for it into a Kustomization of its own`
          : `add '${entry}' to the spec.dependsOn of ${aName}` +
            (dep.coveredBy.length > 0
              ? ` (adding ${dep.coveredBy.map((c) => displayName(c, a.namespace)).join(' or ')}, also reported, covers this too: it depends on ${bName})`
              : '');
        report(at, `${aName} uses what ${bName} builds without depending on it: ${shown.join('; ')}; ${fix}`);
      }
    }
  },
};
