import { checkTemplate, substitutionActive, varUses } from '../load/index.js';
import { substitutionDisabled } from '../load/substitute.js';
import { didYouMean } from './did-you-mean.js';
import { runtimeVariables } from '../graph/runtime-variables.js';
import type { Cluster } from '../model/types.js';
import { containerArgs } from './controller-args.js';
import type { Rule, RuleContext } from './types.js';
import { manifestOwners, substitutedStrings, writtenStrings } from './written-strings.js';
import { isFluxKustomization, isObject } from '../model/objects.js';
import { type FluxKustomization } from '../model/types.js';

export const substitutionUndefined: Rule = {
  id: 'substitution-undefined',
  // kustomize-controller substitutes an empty string and applies: not a failure unless the cluster turns on the
  // StrictPostBuildSubstitutions feature gate, which is opt-in (fluxcd/kustomize-controller
  // internal/features/features.go: `StrictPostBuildSubstitutions: false`, "opt-in from v1.3"). Then it is an error.
  severity: 'warning',
  presets: { strict: 'error' },
  description:
    "A ${VAR} without a default, in an object built by a Kustomization whose postBuild.substitute/substituteFrom does not define it: an error where the cluster's kustomize-controller runs with the StrictPostBuildSubstitutions feature gate (Flux then fails the Kustomization), else a warning (Flux applies an empty string).",
  docs: {
    why: "kustomize-controller's post-build substitution replaces an undefined ${VAR} with an empty string (or fails the build with the StrictPostBuildSubstitutions feature gate), so `host: git.${CLUSTER_DOMAN}` silently becomes `host: git.`. A default (${VAR:=x}, ${VAR:-x}, ${A:-${B}} when A is set) and $${VAR} (an escaped literal) are fine, and objects annotated kustomize.toolkit.fluxcd.io/substitute: disabled are left alone. When a substituteFrom source cannot be read here (missing, optional and absent, SOPS-encrypted, written by an ExternalSecret), any variable may be defined and nothing is reported; a Secret's keys count as defined. Without postBuild (or when it defines no variable) Flux substitutes nothing: a ${VAR} that another Kustomization of the cluster defines is then a warning (it will be applied literally, unless something else, such as a mutating webhook, fills it in).",
    wrong: 'postBuild:\n  substituteFrom:\n    - kind: ConfigMap\n      name: cluster-vars   # defines CLUSTER_DOMAIN\n---\nhost: git.${CLUSTER_DOMAN}',
    right: 'host: git.${CLUSTER_DOMAIN}',
  },
  check({ model, options, report }) {
    for (const cluster of model.clusters) {
      const gate = strictGate(cluster);
      const defined = new Set<string>();
      for (const fk of cluster.kustomizations.values()) {
        for (const k of fk.substitution.vars.keys()) defined.add(k);
        for (const k of fk.substitution.unknown ?? []) defined.add(k);
      }
      const owners = manifestOwners(cluster);
      for (const fk of cluster.kustomizations.values()) {
        const spec = fk.object && isObject(fk.object.value.spec) ? fk.object.value.spec : fk.spec;
        const sub = fk.substitution;
        if (spec && isObject(spec.postBuild) && substitutionActive(sub)) {
          // A source the linter cannot read may define anything: unknown is not undefined.
          if (!sub.complete) continue;
          const names = [...sub.vars.keys(), ...(sub.unknown ?? [])];
          const sources = describeSources(spec.postBuild);
          for (const obj of fk.objects) {
            if (substitutionDisabled(obj.value)) continue;
            for (const w of substitutedStrings(cluster, fk, obj, owners)) {
              for (const use of checkTemplate(w.s, sub).undefined) {
                report(
                  w.at,
                  `'${use.text}' is not defined by the postBuild of Kustomization '${fk.key}' (${sources}); ${
                    gate ? `the Kustomization fails: ${gate} runs kustomize-controller with StrictPostBuildSubstitutions` : 'Flux substitutes an empty string'
                  }${didYouMean(use.name, names)}`,
                  gate ? { severity: 'error' } : undefined,
                );
              }
            }
          }
        } else if (defined.size > 0) {
          // What the repository leaves, by convention, to something outside Git (a mutating webhook) is reported
          // only under strict.
          const injected = options.preset === 'strict' ? new Set<string>() : runtimeVariables(cluster);
          applied(fk, defined, injected, spec !== undefined && isObject(spec.postBuild), report);
        }
      }
    }
  },
};

/**
 * A ${VAR} in a Kustomization that substitutes nothing (no postBuild, or one that defines no variable) is applied
 * as written; worth a warning only when the cluster defines VAR elsewhere.
 */
function applied(fk: FluxKustomization, defined: Set<string>, injected: ReadonlySet<string>, hasPostBuild: boolean, report: RuleContext['report']): void {
  const why = hasPostBuild ? 'defines no variable, so Flux substitutes nothing' : 'has no postBuild';
  for (const obj of fk.objects) {
    // A Flux Kustomization's own spec.patches are applied by its build, and substituted by its postBuild: a ${VAR}
    // in them is for that Kustomization to substitute, not its parent.
    const patches = isFluxKustomization(obj) ? JSON.stringify([...obj.docPath, 'spec', 'patches']).slice(0, -1) : undefined;
    for (const w of writtenStrings(obj)) {
      if (patches !== undefined && w.at.doc === obj.doc && JSON.stringify(w.at.path).startsWith(patches)) continue;
      for (const use of varUses(w.s)) {
        if (!defined.has(use.name) || injected.has(use.name)) continue;
        report(
          w.at,
          `'${use.text}' will be applied literally: Kustomization '${fk.key}' ${why}, though other Kustomizations of this cluster substitute ${use.name} (add postBuild.substituteFrom, or escape it as $${use.text})`,
          { severity: 'warning' },
        );
      }
    }
  }
}

const STRICT_GATE = /StrictPostBuildSubstitutions=true/;

/**
 * Where the cluster turns on kustomize-controller's StrictPostBuildSubstitutions feature gate
 * (`--feature-gates=StrictPostBuildSubstitutions=true`): its kustomize-controller Deployment as built (the
 * bootstrap's gotk-components.yaml with the flux-system kustomization's patches), or the patches of a FluxInstance
 * (written, or in the values of the HelmRelease that installs the flux-instance chart). Undefined when it does not.
 */
function strictGate(cluster: Cluster): string | undefined {
  for (const o of cluster.objects) {
    if (o.kind === 'Deployment' && o.name === 'kustomize-controller') {
      const gates = containerArgs({ obj: o, containers: [] }).filter((a) => a.name === 'feature-gates');
      if (gates.some((a) => a.value !== undefined && STRICT_GATE.test(a.value))) return `Deployment ${o.namespace ?? 'flux-system'}/${o.name}`;
    } else if (o.kind === 'FluxInstance' || o.kind === 'HelmRelease') {
      const spec = isObject(o.value.spec) ? o.value.spec : {};
      const patches = o.kind === 'FluxInstance' ? spec.kustomize : spec.values;
      if (patches !== undefined && STRICT_GATE.test(JSON.stringify(patches))) return `${o.kind} ${o.namespace ?? 'default'}/${o.name}`;
    }
  }
  return undefined;
}

/** `substituteFrom ConfigMap cluster-vars, substitute` as a reader finds them. */
function describeSources(postBuild: Record<string, unknown>): string {
  const parts: string[] = [];
  if (isObject(postBuild.substitute)) parts.push('substitute');
  for (const s of Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : []) {
    if (isObject(s)) parts.push(`substituteFrom ${String(s.kind ?? '?')} ${String(s.name ?? '?')}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no variables';
}
