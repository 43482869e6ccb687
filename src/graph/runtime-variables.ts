import { substitutionActive, varUses } from '../load/index.js';
import { isFluxKustomization, isObject } from '../model/objects.js';
import { memoByObject } from '../model/memo.js';
import { type Cluster, type FluxKustomization } from '../model/types.js';

/**
 * Variables the repository leaves, by convention, for something outside Git to fill in: the `${VAR}`s written in
 * the objects of Kustomizations that substitute nothing, when the Kustomizations that do so with variables the
 * cluster defines elsewhere are at least two and at least as many as the ones that substitute. A mutating webhook that adds
 * `postBuild.substituteFrom` to every Flux Kustomization at admission (kustomize-mutating-webhook and the like)
 * gives exactly that picture: the tree cannot show what it injects, so such a variable is unknown, not undefined.
 * One Kustomization that forgets the postBuild its siblings have is not a convention: it stays a finding.
 */
export const runtimeVariables = memoByObject((cluster: Cluster): ReadonlySet<string> => {
  const defined = new Set<string>();
  let substituting = 0;
  const uses: Set<string>[] = [];
  for (const fk of cluster.kustomizations.values()) {
    if (substitutes(fk)) {
      substituting++;
      for (const k of [...fk.substitution.vars.keys(), ...(fk.substitution.unknown ?? [])]) defined.add(k);
      continue;
    }
    const used = new Set<string>();
    for (const o of fk.objects) if (!isFluxKustomization(o)) collect(o.value, used, 0);
    uses.push(used);
  }
  // Kustomizations that substitute nothing yet use variables the cluster defines: the repository's convention
  // when they are at least two and at least as many as those that substitute.
  const literal = uses.filter((u) => [...u].some((v) => defined.has(v)));
  return literal.length >= 2 && literal.length >= substituting ? new Set(literal.flatMap((u) => [...u])) : new Set<string>();
});

function substitutes(fk: FluxKustomization): boolean {
  const spec = fk.object && isObject(fk.object.value.spec) ? fk.object.value.spec : fk.spec;
  return Boolean(spec && isObject(spec.postBuild)) && substitutionActive(fk.substitution);
}

function collect(v: unknown, out: Set<string>, depth: number): void {
  if (depth > 64) return;
  if (typeof v === 'string') {
    if (v.includes('${')) for (const u of varUses(v)) out.add(u.name);
  } else if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      collect(k, out, depth + 1);
      collect(x, out, depth + 1);
    }
  }
}
