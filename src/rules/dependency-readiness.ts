import { byPosition, dependencyGraph, displayName, type DependencyNode } from '../graph/dependency-graph.js';
import { describeObject } from '../graph/implicit-dependencies.js';
import type { Rule } from './types.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { objectLocation } from '../model/location.js';
import { type KObject } from '../model/types.js';

/** Objects listed per finding; the rest are counted. */
const MAX_LISTED = 3;

/**
 * Kinds whose readiness comes well after they are applied: workloads, and what Flux, tofu-controller and
 * CloudNative-PG reconcile into running things. A dependency that applies only configuration (ConfigMaps, RBAC,
 * ClusterIssuers, policies, stores) is as ready as it will be once applied, so `wait` changes nothing for it.
 */
const RUNS = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'batch/Job',
  'helm.toolkit.fluxcd.io/HelmRelease',
  'kustomize.toolkit.fluxcd.io/Kustomization',
  'infra.contrib.fluxcd.io/Terraform',
  'postgresql.cnpg.io/Cluster',
]);

export const dependencyReadiness: Rule = {
  id: 'dependency-readiness',
  severity: 'warning',
  strict: 'dependencies that leave wait unset while applying configuration only',
  description:
    'A Kustomization others depend on leaves wait unset and has no healthChecks, yet deploys something that runs (a HelmRelease, a workload, a Kustomization, a Terraform, a database cluster): Flux marks it ready before that is running.',
  docs: {
    why: "Flux lets a dependent Kustomization start once its dependency is Ready. A Kustomization without `wait` (Flux's default is false) and without `healthChecks` is Ready as soon as kustomize-controller has applied it, not when its HelmReleases, Deployments or database clusters are up (https://fluxcd.io/flux/components/kustomize/kustomizations/#wait), so the dependsOn orders the applies and nothing more. Reported once per dependency, where the fix goes. An explicit `wait: false` is a decision (the dependents are fine with applied), and a HelmRelease waits for its resources unless it sets `disableWait`, also a decision: neither is reported. A dependency that applies only configuration is ready once applied; --preset strict still asks it to say so.",
    wrong: '# cloudnative-pg (applies the operator HelmRelease)\nspec:\n  path: ./apps/cloudnative-pg\n# forgejo\nspec:\n  dependsOn:\n    - name: cloudnative-pg',
    right: '# cloudnative-pg\nspec:\n  path: ./apps/cloudnative-pg\n  wait: true\n# forgejo\nspec:\n  dependsOn:\n    - name: cloudnative-pg',
  },
  check({ model, report, options }) {
    const strict = options.preset === 'strict';
    for (const cluster of model.clusters) {
      const graph = dependencyGraph(cluster);
      const dependents = new Map<DependencyNode, DependencyNode[]>();
      for (const e of graph.entries()) {
        const target = e.target;
        if (!target || target === e.from || target.kind !== 'Kustomization') continue;
        const list = dependents.get(target) ?? [];
        if (!list.includes(e.from)) list.push(e.from);
        dependents.set(target, list);
      }
      for (const [target, from] of [...dependents].sort(([a], [b]) => byPosition(a, b))) {
        const spec = isObject(target.object.value.spec) ? target.object.value.spec : {};
        // `wait` written (true, false, or a ${VAR} the parent substitutes) is a decision.
        if ('wait' in spec) continue;
        if (Array.isArray(spec.healthChecks) && spec.healthChecks.length > 0) continue;
        const runs = (target.fk?.objects ?? []).filter(runsSomething);
        if (runs.length === 0 && !strict) continue;
        const to = displayName(target, target.namespace);
        const who = from.sort(byPosition).map((f) => displayName(f, target.namespace));
        const waiting = `${who.length === 1 ? who[0] : `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}`} depend${who.length === 1 ? 's' : ''} on it`;
        const at = objectLocation(target.object, ['metadata', 'name']);
        if (runs.length === 0) {
          // strict: nothing that runs, or nothing seen (a path in another source): only the decision is missing.
          const what = (target.fk?.objects.length ?? 0) > 0 ? ' (it applies configuration only)' : '';
          report(at, `${to} leaves wait unset and has no healthChecks; ${waiting}: say 'wait: false' if applied is ready enough${what}, or 'wait: true'`);
          continue;
        }
        const shown = runs.slice(0, MAX_LISTED).map(describeObject);
        if (runs.length > MAX_LISTED) shown.push(`${runs.length - MAX_LISTED} more`);
        report(
          at,
          `${to} leaves wait unset (Flux's default: false) and has no healthChecks, yet ${waiting}: Flux marks it ready as soon as it is applied, before ${shown.join(', ')} ${runs.length === 1 ? 'is' : 'are'} running; ` +
            `set 'wait: true' or add healthChecks (or 'wait: false' if the dependents only need it applied)`,
        );
      }
    }
  },
};

function runsSomething(o: KObject): boolean {
  return RUNS.has(`${splitApiVersion(o.apiVersion)[0]}/${o.kind}`);
}
