import { byPosition, dependencyGraph, displayName, type DependencyNode } from '../graph/dependency-graph.js';
import { describeObject, implicitDependencies, type ImplicitDependency, type ImplicitNeed } from '../graph/implicit-dependencies.js';
import type { Preset, Rule } from './types.js';
import { objectLocation } from '../model/location.js';

/** Objects listed per provider; the rest are counted. */
const MAX_REASONS = 3;

export const implicitDependency: Rule = {
  id: 'implicit-dependency',
  severity: 'warning',
  strict:
    "CRDs that another Kustomization installs where nothing waits for the one that uses them (Flux retries the apply until they exist), things several Kustomizations use while most of them do not wait for the one that builds them, and Kustomizations downstream of one that misses the same entry",
  description:
    'A Kustomization applies objects that need what another Kustomization builds — a Namespace, a Secret or ConfigMap, a secret store (or the server it names), a database cluster, a source — without that one in its dependsOn closure; one finding per Kustomization, naming every entry to add.',
  docs: {
    why: "Flux reconciles Kustomizations in parallel unless dependsOn orders them, so on a fresh cluster (a rebuild, a restore) an object can be applied before what it needs exists. An ExternalSecret whose store is missing writes no Secret, a pod whose Secret is missing does not start, an app whose database cluster is missing crashes: a HelmRelease installing them waits, times out and, with the default install.remediation.retries of 0, is stalled until someone runs flux reconcile --force. A HelmRelease whose valuesFrom Secret or chart source is missing, or a Kustomization whose substituteFrom is missing, applies nothing until it exists and the controller retries. An object whose Namespace another Kustomization builds fails the whole apply, and is lost when that Kustomization prunes the Namespace. A CRD that another Kustomization installs only delays a first install (Flux retries the apply until it exists): reported where other Kustomizations wait for the one that uses it (they are all held back), or where the installer waits for it (neither ever gets ready); --preset strict reports every one. When several Kustomizations use one thing and most of them do not wait for its builder, the repository relies on retries for it by design: that too is for --preset strict (where at least as many wait as do not, the others are slips and are reported). A Kustomization that depends on another missing the same entry is covered by the finding there.",
    wrong: '# forgejo applies a postgresql.cnpg.io Database into Namespace databases, for the Cluster that cloudnative-pg builds\ndependsOn:\n  - name: external-secrets-config',
    right: 'dependsOn:\n  - name: cloudnative-pg\n  - name: external-secrets-config',
  },
  check({ model, report, options }) {
    const preset = options.preset ?? 'recommended';
    for (const cluster of model.clusters) {
      const graph = dependencyGraph(cluster);
      const byConsumer = new Map<DependencyNode, ImplicitDependency[]>();
      for (const dep of implicitDependencies(cluster)) {
        const kept = keep(dep, preset, graph.dependents(dep.consumer).length > 0);
        if (!kept) continue;
        const list = byConsumer.get(dep.consumer) ?? [];
        list.push(kept);
        byConsumer.set(dep.consumer, list);
      }
      for (const [a, deps] of byConsumer) {
        const spec = a.object.value.spec as Record<string, unknown> | undefined;
        const at = Array.isArray(spec?.dependsOn)
          ? { ...objectLocation(a.object, ['spec', 'dependsOn']), key: true }
          : objectLocation(a.object, ['metadata', 'name']);
        report(at, message(a, deps.sort((x, y) => byPosition(x.provider, y.provider))));
      }
    }
  },
};

/**
 * The needs a preset reports. Under `recommended`, what breaks or races for real:
 * - not a CRD, unless the consumer is itself a dependency of others: Flux retries a failed apply until the CRD
 *   exists, which delays one app, but holds back everything that waits for a Kustomization others depend on;
 * - not what several Kustomizations use while most of them do not wait for its builder: the repository relies on
 *   retries for it (where at least as many wait as do not, the others are slips);
 * - not a consumer downstream of another that misses the same entry: the entry added there covers it.
 * Where the provider already waits for the consumer every need is reported: neither can become ready first.
 */
function keep(dep: ImplicitDependency, preset: Preset, isDependency: boolean): ImplicitDependency | undefined {
  if (preset === 'strict' || dep.wouldCycle) return dep;
  const real = (n: ImplicitNeed) => !n.downstream && (n.type !== 'crd' || isDependency) && (n.missing === 1 || n.waiting >= n.missing);
  const reasons = dep.reasons.map((r) => ({ ...r, needs: r.needs.filter(real) })).filter((r) => r.needs.length > 0);
  return reasons.length > 0 ? { ...dep, reasons } : undefined;
}

/** One sentence per consumer: what it uses from each provider, then the dependsOn entries that cover them all. */
function message(a: DependencyNode, all: ImplicitDependency[]): string {
  const aName = displayName(a, a.namespace);
  const name = (n: DependencyNode) => displayName(n, a.namespace);
  const need = (n: ImplicitNeed) => (n.via ? `${n.what} (${n.via})` : n.what);
  // The entries to add: every provider that would not make a cycle, less those another entry already waits for.
  const addable = all.filter((d) => !d.wouldCycle);
  const covering = (d: ImplicitDependency) => addable.find((o) => o !== d && d.coveredBy.includes(o.provider));
  const entries = addable.filter((d) => !covering(d));
  // Providers that wait for each other (a dependsOn cycle of their own): name the first.
  if (entries.length === 0 && addable.length > 0) entries.push(addable[0]);
  // Listed as the fix reads: the entries, then what they cover, then the providers that would make a cycle.
  const rank = (d: ImplicitDependency) => (entries.includes(d) ? 0 : d.wouldCycle ? 2 : 1);
  const deps = [...all].sort((x, y) => rank(x) - rank(y));
  const uses = deps.map((dep) => {
    const shown = dep.reasons.slice(0, MAX_REASONS).map((r) => `${describeObject(r.object)} needs ${r.needs.map(need).join(', ')}`);
    const more = dep.reasons.length - shown.length;
    if (more > 0) shown.push(`and ${more} more object${more === 1 ? '' : 's'}`);
    return deps.length === 1 ? shown.join('; ') : `from ${name(dep.provider)}, ${shown.join('; ')}`;
  });
  const providers = deps.map((d) => name(d.provider));
  const head =
    deps.length === 1
      ? `${aName} uses what ${providers[0]} builds without depending on it`
      : `${aName} uses what ${list(providers)} build without depending on them`;

  const fixes: string[] = [];
  if (entries.length > 0) {
    const written = entries.map((d) => `'${d.provider.namespace === a.namespace ? `- name: ${d.provider.name}` : `- name: ${d.provider.name}, namespace: ${d.provider.namespace}`}'`);
    const covered = addable
      .filter((d) => !entries.includes(d))
      .map((d) => `${name(covering(d)!.provider)} depends on ${name(d.provider)}, so it covers that one too`);
    fixes.push(`add ${list(written)} to the spec.dependsOn of ${aName}${covered.length > 0 ? ` (${covered.join('; ')})` : ''}`);
  }
  const cycles = deps.filter((d) => d.wouldCycle).map((d) => name(d.provider));
  if (cycles.length > 0) {
    const one = cycles.length === 1;
    fixes.push(
      `${list(cycles)} already depend${one ? 's' : ''} on ${aName}, so ${one ? 'a dependsOn entry would make a cycle' : 'dependsOn entries would make cycles'}: ` +
        `move these objects into ${one ? cycles[0] : 'them'}, or split what ${aName} builds for ${one ? 'it' : 'them'} into a Kustomization of its own`,
    );
  }
  return `${head}: ${uses.join('; ')}; ${fixes.join('; ')}`;
}

function list(items: string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
