import type { NodePath } from '../model/types.js';
import { isObject, type JsonObject } from '../model/objects.js';

/**
 * kustomize's field specs (api/types/fieldspec.go): where a transformer looks in objects of a kind, as a
 * `/`-separated path (`\/` escapes a slash in a key, a list on the way applies the rest to each item).
 * The built-in ones and those of `configurations:` files drive the namespace transformer and name references.
 */
export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** Whether a field spec applies to an object of this group/version/kind (an empty part matches any). */
export function fieldSpecSelects(fs: { group?: string; version?: string; kind?: string }, id: { group: string; version: string; kind: string }): boolean {
  return (!fs.group || fs.group === id.group) && (!fs.version || fs.version === id.version) && (!fs.kind || fs.kind === id.kind);
}

const split = new Map<string, string[]>();

export function fieldSpecPath(path: string): string[] {
  let segs = split.get(path);
  if (!segs) {
    segs = [];
    let cur = '';
    for (let i = 0; i < path.length; i++) {
      if (path[i] === '\\' && path[i + 1] === '/') {
        cur += '/';
        i++;
      } else if (path[i] === '/') {
        segs.push(cur);
        cur = '';
      } else cur += path[i];
    }
    segs.push(cur);
    // `containers[]` is an older spelling of a list on the way.
    segs = segs.filter((s) => s !== '').map((s) => (s.endsWith('[]') ? s.slice(0, -2) : s));
    split.set(path, segs);
  }
  return segs;
}

/**
 * Applies `set` to every value a field spec path reaches and returns the new root, copying only the maps and lists
 * on the way to a value that changed (built objects share their values: see BuiltObject). `set` gets the value and
 * its node path and returns the new value (the same one when nothing changes). With `create`, a missing last field
 * is created (set gets undefined) and missing maps on the way too.
 */
export function updateFieldSpec(root: JsonObject, segs: readonly string[], create: boolean, set: (v: unknown, path: NodePath) => unknown): JsonObject {
  // Nothing to do unless the first field is there (or is to be made): most objects are not of the kind walked.
  if (segs.length > 0 && !create && !Object.prototype.hasOwnProperty.call(root, segs[0])) return root;
  return walk(root, segs, 0, create, set, []) as JsonObject;
}

function walk(node: unknown, segs: readonly string[], i: number, create: boolean, set: (v: unknown, path: NodePath) => unknown, path: (string | number)[]): unknown {
  if (Array.isArray(node)) {
    let out: unknown[] | undefined;
    for (let j = 0; j < node.length; j++) {
      path.push(j);
      const next = walk(node[j], segs, i, create, set, path);
      path.pop();
      if (next !== node[j]) {
        out ??= node.slice();
        out[j] = next;
      }
    }
    return out ?? node;
  }
  // The path is one array reused down the walk: `set` gets a copy it may keep.
  if (i === segs.length) return set(node, path.slice());
  if (!isObject(node)) return node;
  const key = segs[i];
  const has = Object.prototype.hasOwnProperty.call(node, key);
  if (!has && !create) return node;
  const child = has ? node[key] : i + 1 === segs.length ? undefined : {};
  if (has && child === null && i + 1 < segs.length) return node;
  path.push(key);
  const next = walk(child, segs, i + 1, create, set, path);
  path.pop();
  if (has && next === child) return node;
  if (!has && (next === undefined || (i + 1 < segs.length && isObject(next) && Object.keys(next).length === 0))) return node;
  return { ...node, [key]: next };
}
