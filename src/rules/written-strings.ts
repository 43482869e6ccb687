import { substituteKnown, substitutionActive, substitutionDisabled } from '../load/index.js';
import { isObject } from '../model/objects.js';
import { type Cluster, type FluxKustomization, type KObject, type Location, type NodePath, type YamlDoc } from '../model/types.js';

/** A string of an object (a value or a key) as it is written in a file, before post-build substitution. */
export interface WrittenString {
  s: string;
  at: Location;
}

/**
 * The strings holding `${` of an object as written: its own document, and for values set by a patch, the patch (an
 * inline patch string is searched whole). Keys are substituted too, so they are included (`at.key`).
 */
export function writtenStrings(obj: KObject): WrittenString[] {
  const out: WrittenString[] = [];
  // One path, extended and shortened as the walk goes: every object of a large repository is walked, and only the
  // few strings that hold a ${ need a path of their own.
  const rel: (string | number)[] = [];
  const walk = (v: unknown, at: (p: NodePath) => Location, followPatches: boolean) => {
    // A value a patch replaced is read from the patch below.
    if (followPatches && rel.length > 0 && obj.provenance?.has(JSON.stringify(rel))) return;
    if (typeof v === 'string') {
      if (v.includes('${')) out.push({ s: v, at: at([...rel]) });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        rel.push(i);
        walk(v[i], at, followPatches);
        rel.pop();
      }
    } else if (isObject(v)) {
      for (const k of Object.keys(v)) {
        rel.push(k);
        if (k.includes('${')) out.push({ s: k, at: { ...at([...rel]), key: true } });
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

/**
 * The strings holding `${` of an object of Kustomization `fk`, as its post-build substitution sees them. Most are the
 * written text. A string written in a Flux Kustomization's own manifest (its spec.patches, or a patch an ancestor's
 * spec.patches adds to it) reaches fk's objects through the substitutions of the Kustomizations in between: the
 * builder of that manifest and every one down to fk's parent substitute it first (`$${X}` in an outer Kustomization
 * is `${X}` for the inner one). Such a string is given as it comes out of them, and left out when a value in between
 * cannot be known.
 */
export function substitutedStrings(cluster: Cluster, fk: FluxKustomization, obj: KObject, owners: Map<YamlDoc, FluxKustomization[]>): WrittenString[] {
  const out: WrittenString[] = [];
  for (const w of writtenStrings(obj)) {
    const chain = throughAncestors(cluster, fk, owners.get(w.at.doc));
    if (chain.length === 0) {
      out.push(w);
      continue;
    }
    let s: string | undefined = w.s;
    for (const k of chain) {
      if (s === undefined) break;
      if (substitutionActive(k.substitution)) s = substituteKnown(s, k.substitution);
    }
    if (s !== undefined && s.includes('${')) out.push({ s, at: w.at });
  }
  return out;
}

/** Each Flux Kustomization by the document of its manifest, for substitutedStrings. */
export function manifestOwners(cluster: Cluster): Map<YamlDoc, FluxKustomization[]> {
  const owners = new Map<YamlDoc, FluxKustomization[]>();
  for (const k of cluster.kustomizations.values()) {
    if (!k.object) continue;
    const list = owners.get(k.object.doc) ?? [];
    list.push(k);
    owners.set(k.object.doc, list);
  }
  return owners;
}

/**
 * The Kustomizations whose substitution a string written in the manifest of one of `owners` goes through before
 * fk's, outermost first: from the one that builds that manifest down to fk's parent. None when the manifest is not
 * fk's nor an ancestor's (a plain file).
 */
function throughAncestors(cluster: Cluster, fk: FluxKustomization, owners: FluxKustomization[] | undefined): FluxKustomization[] {
  if (!owners) return [];
  const chain: FluxKustomization[] = [];
  const seen = new Set<string>();
  for (let k: FluxKustomization | undefined = fk; k && !seen.has(k.key); k = k.parent ? cluster.kustomizations.get(k.parent) : undefined) {
    seen.add(k.key);
    if (k !== fk) chain.push(k);
    if (owners.includes(k)) {
      // The manifest itself is an object of its parent, substituted unless it says otherwise.
      const builder = k.parent ? cluster.kustomizations.get(k.parent) : undefined;
      if (builder && k.object && !substitutionDisabled(k.object.value)) chain.push(builder);
      return chain.reverse();
    }
  }
  return [];
}
