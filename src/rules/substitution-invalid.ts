import { checkTemplate, substitutionDisabled } from '../load/index.js';
import type { Rule } from './types.js';
import { manifestOwners, substitutedStrings } from './written-strings.js';
import { isObject } from '../model/objects.js';
import { objectLocation } from '../model/location.js';
import { type FluxKustomization } from '../model/types.js';

export const substitutionInvalid: Rule = {
  id: 'substitution-invalid',
  severity: 'error',
  description:
    "Flux's post-build substitution cannot run: a ${...} expression it cannot parse, or a variable whose name it rejects; the whole Kustomization fails.",
  docs: {
    why: 'kustomize-controller runs every object of a Kustomization with postBuild variables through its envsubst (github.com/fluxcd/pkg/envsubst) and fails the whole Kustomization on the first expression it cannot parse ("envsubst error: variable substitution failed: missing closing brace"): ${A-b} and ${A+b} (not supported, whatever the README says), ${var.name} (Terraform, Helm), ${{ github.sha }} (GitHub Actions), ${ A }, an unclosed ${. It also refuses variable names that do not match ^[_[:alpha:]][_[:alpha:][:digit:]]*$, such as a ConfigMap key `config.yaml` in substituteFrom. Escape a literal as $${...}, or annotate the object kustomize.toolkit.fluxcd.io/substitute: disabled.',
    wrong: 'postBuild:\n  substitute:\n    CLUSTER: main\n---\ncommand: ["sh", "-c", "echo ${HOME-/root}"]',
    right: 'command: ["sh", "-c", "echo $${HOME:-/root}"]',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      const owners = manifestOwners(cluster);
      for (const fk of cluster.kustomizations.values()) {
        if (!substitutes(fk)) continue;
        const objects = fk.objects.filter((o) => !substitutionDisabled(o.value));
        // The controller checks names and expressions only for the objects it substitutes.
        if (objects.length === 0) continue;
        for (const bad of fk.substitution.invalid ?? []) {
          const at = objectLocation(fk.object!, bad.path);
          report(
            bad.from === 'substitute' ? { ...at, key: true } : at,
            `variable name '${bad.name}' (from ${bad.from}) is invalid: kustomize-controller requires ^[_[:alpha:]][_[:alpha:][:digit:]]*$ and fails Kustomization '${fk.key}'`,
          );
        }
        for (const obj of objects) {
          for (const w of substitutedStrings(cluster, fk, obj, owners)) {
            const error = checkTemplate(w.s, fk.substitution).error;
            if (!error) continue;
            report(
              w.at,
              `Flux cannot substitute '${error.text}' (${error.message}): Kustomization '${fk.key}' fails; escape a literal as $$\{...}, or annotate the object kustomize.toolkit.fluxcd.io/substitute: disabled`,
            );
          }
        }
      }
    }
  },
};

/** The Kustomization substitutes for certain: it has postBuild and defines at least one variable (`len(vars) > 0`). */
function substitutes(fk: FluxKustomization): boolean {
  const spec = fk.object && isObject(fk.object.value.spec) ? fk.object.value.spec : undefined;
  if (!spec || !isObject(spec.postBuild)) return false;
  return fk.substitution.vars.size > 0 || (fk.substitution.unknown?.size ?? 0) > 0;
}
