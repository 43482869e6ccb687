import { isObject, varUses, type Cluster, type FluxKustomization, type KObject, type Location, type NodePath } from '../load/index.js';
import { substitutionDisabled } from '../load/substitute.js';
import { didYouMean } from './did-you-mean.js';
import type { Rule, RuleContext } from './types.js';

export const substitutionUndefined: Rule = {
  id: 'substitution-undefined',
  severity: 'error',
  description:
    "A ${VAR} without a default, in an object built by a Kustomization whose postBuild.substitute/substituteFrom does not define it.",
  docs: {
    why: "kustomize-controller's post-build substitution replaces an undefined ${VAR} with an empty string (or fails the build with the StrictPostBuildSubstitutions feature gate), so `host: git.${CLUSTER_DOMAN}` silently becomes `host: git.`. ${VAR:=default} and $${VAR} (an escaped literal) are fine, and objects annotated kustomize.toolkit.fluxcd.io/substitute: disabled are left alone. When a substituteFrom source is missing, optional or SOPS-encrypted, the variables are unknown and nothing is reported. Without postBuild Flux substitutes nothing: a ${VAR} that another Kustomization of the cluster defines is then a warning (it will be applied literally).",
    wrong: 'postBuild:\n  substituteFrom:\n    - kind: ConfigMap\n      name: cluster-vars   # defines CLUSTER_DOMAIN\n---\nhost: git.${CLUSTER_DOMAN}',
    right: 'host: git.${CLUSTER_DOMAIN}',
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      const defined = new Set<string>();
      for (const fk of cluster.kustomizations.values()) for (const k of fk.substitution.vars.keys()) defined.add(k);
      for (const fk of cluster.kustomizations.values()) {
        const spec = fk.object && isObject(fk.object.value.spec) ? fk.object.value.spec : fk.spec;
        if (spec && isObject(spec.postBuild)) {
          if (!fk.substitution.complete || hasSopsSource(cluster, fk, spec.postBuild)) continue;
          const vars = fk.substitution.vars;
          const sources = describeSources(spec.postBuild);
          for (const obj of fk.objects) {
            if (substitutionDisabled(obj.value)) continue;
            for (const use of writtenUses(obj)) {
              if (use.fallback !== undefined || vars.has(use.name)) continue;
              report(
                use.at,
                `'${use.text}' is not defined by the postBuild of Kustomization '${fk.key}' (${sources}); Flux substitutes an empty string${didYouMean(use.name, vars.keys())}`,
              );
            }
          }
        } else if (defined.size > 0) {
          noPostBuild(fk, defined, report);
        }
      }
    }
  },
};

/** A ${VAR} in a Kustomization without postBuild is applied as written; worth a warning only when the cluster defines VAR elsewhere. */
function noPostBuild(fk: FluxKustomization, defined: Set<string>, report: RuleContext['report']): void {
  for (const obj of fk.objects) {
    for (const use of writtenUses(obj)) {
      if (!defined.has(use.name)) continue;
      report(
        use.at,
        `'${use.text}' will be applied literally: Kustomization '${fk.key}' has no postBuild, though other Kustomizations of this cluster substitute ${use.name} (add postBuild.substituteFrom, or escape it as $${use.text})`,
        { severity: 'warning' },
      );
    }
  }
}

interface Use {
  name: string;
  fallback?: string;
  text: string;
  at: Location;
}

/**
 * The variables an object uses as written, before substitution: its own document, and for values set by a patch,
 * the patch (an inline patch string is searched whole). Keys are substituted too.
 */
function writtenUses(obj: KObject): Use[] {
  const out: Use[] = [];
  // One path, extended and shortened as the walk goes: every object of a large repository is walked, and only the
  // few strings that hold a ${ need a path of their own.
  const rel: (string | number)[] = [];
  const walk = (v: unknown, at: (p: NodePath) => Location, followPatches: boolean) => {
    // A value a patch replaced is read from the patch below.
    if (followPatches && rel.length > 0 && obj.provenance?.has(JSON.stringify(rel))) return;
    if (typeof v === 'string') {
      if (v.includes('${')) for (const u of varUses(v)) out.push({ ...u, at: at([...rel]) });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        rel.push(i);
        walk(v[i], at, followPatches);
        rel.pop();
      }
    } else if (isObject(v)) {
      for (const k of Object.keys(v)) {
        rel.push(k);
        if (k.includes('${')) for (const u of varUses(k)) out.push({ ...u, at: { ...at([...rel]), key: true } });
        walk(v[k], at, followPatches);
        rel.pop();
      }
    }
  };
  // Generated ConfigMaps/Secrets point at their generator entry, whose literals are the written values.
  walk(getIn(obj.doc.value, obj.docPath), (p) => ({ doc: obj.doc, path: [...obj.docPath, ...p] }), !obj.generated);
  // Values set by patches, once per place written (one inline patch string sets many paths).
  const seen = new Set<string>();
  for (const loc of obj.provenance?.values() ?? []) {
    const key = `${loc.doc.file.path}\0${loc.doc.index}\0${JSON.stringify(loc.path)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    walk(getIn(loc.doc.value, loc.path), (p) => ({ doc: loc.doc, path: [...loc.path, ...p] }), false);
  }
  return out;
}

function getIn(v: unknown, path: NodePath): unknown {
  let cur = v;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === 'number') cur = cur[p];
    else if (isObject(cur) && typeof p === 'string') cur = cur[p];
    else return undefined;
  }
  return cur;
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

/** A SOPS-encrypted Secret as a substituteFrom source: kustomize-controller decrypts it; the linter cannot, so its variables are unknown. */
function hasSopsSource(cluster: Cluster, fk: FluxKustomization, postBuild: Record<string, unknown>): boolean {
  const ns = fk.object?.namespace ?? fk.key.slice(0, fk.key.indexOf('/'));
  for (const s of Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : []) {
    if (!isObject(s) || typeof s.name !== 'string') continue;
    const src = cluster.objects.find((o) => o.kind === s.kind && o.name === s.name && o.namespace === ns);
    if (src && isObject(src.value.sops)) return true;
  }
  return false;
}
