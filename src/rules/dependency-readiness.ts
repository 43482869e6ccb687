import { isObject } from '../load/index.js';
import { dependencyGraph, displayName } from '../graph/dependency-graph.js';
import type { Rule } from './types.js';

export const dependencyReadiness: Rule = {
  id: 'dependency-readiness',
  severity: 'warning',
  description: 'A dependsOn target does not wait for what it applies (no wait: true, no healthChecks), so the dependent may start before it is ready.',
  docs: {
    why: "Flux treats a dependency as ready when its Ready condition is true. A Kustomization with `wait: false` (the default) and no `healthChecks` is Ready as soon as kustomize-controller has applied it, not when its Deployments, HelmReleases or CRDs are up (https://fluxcd.io/flux/components/kustomize/kustomizations/#wait); a HelmRelease with `disableWait` is Ready before its resources are.",
    wrong: '# cloudnative-pg\nspec:\n  wait: false\n# forgejo\nspec:\n  dependsOn:\n    - name: cloudnative-pg',
    right: '# cloudnative-pg\nspec:\n  wait: true\n# forgejo\nspec:\n  dependsOn:\n    - name: cloudnative-pg',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      for (const e of dependencyGraph(cluster).entries()) {
        const target = e.target;
        if (!target || target === e.from) continue;
        const spec = isObject(target.object.value.spec) ? target.object.value.spec : {};
        const from = displayName(e.from, e.from.namespace);
        const to = displayName(target, e.from.namespace);
        if (target.kind === 'Kustomization') {
          if (spec.wait === true) continue;
          if (Array.isArray(spec.healthChecks) && spec.healthChecks.length > 0) continue;
          const how = spec.wait === false ? 'wait: false' : 'no wait: true (wait defaults to false)';
          report(
            e.at,
            `${from} depends on ${to}, but ${to} has ${how} and no healthChecks: Flux marks it ready as soon as it is applied, so ${from} may start before what ${to} deploys is running; set 'wait: true' or add healthChecks to ${to}`,
          );
        } else {
          const disabled = ['install', 'upgrade'].filter((phase) => isObject(spec[phase]) && (spec[phase] as Record<string, unknown>).disableWait === true);
          if (disabled.length === 0) continue;
          report(
            e.at,
            `${from} depends on ${to}, but ${to} sets ${disabled.map((p) => `${p}.disableWait: true`).join(' and ')}: it is marked ready before its resources are, so ${from} may start before ${to} is running; remove disableWait from ${to}`,
          );
        }
      }
    }
  },
};
