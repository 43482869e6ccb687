/**
 * kustomize's patches: strategic merge and RFC 6902, far enough to know what an object looks like after the build.
 * Positions keep pointing at the original document, so a patched value is reported where it was written.
 */

import { isObject, type JsonObject } from '../model/objects.js';

/**
 * A deep copy of a YAML value. Plain objects and arrays are copied by hand, several times faster than
 * structuredClone, which the loader would otherwise spend a fifth of its time in; anything else, and
 * nesting too deep to recurse safely (or a cycle), falls back to structuredClone.
 */
export function clone<T>(v: T): T {
  if (v === undefined) return v;
  try {
    return plainClone(v, 0) as T;
  } catch (e) {
    if (e !== TOO_DEEP) throw e;
    return structuredClone(v);
  }
}

const TOO_DEEP = Symbol('too deep');

function plainClone(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth > 200) throw TOO_DEEP;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainClone(v[i], depth + 1);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const c = plainClone((v as Record<string, unknown>)[k], depth + 1);
    // A YAML key `__proto__` is an own property, never the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out;
}

/**
 * A strategic-merge patch as kustomize v5 applies it (kyaml's merge2, `ListIncreaseDirection: append`), checked
 * against kubectl kustomize:
 * - maps merge key by key; a `null` value deletes the key; `$patch: delete` deletes the map (the whole object at
 *   the top: the result is then null), `$patch: replace` replaces it;
 * - lists of the kinds in kustomize's built-in schema merge by the schema's merge key (containers and env by name,
 *   ports by containerPort, volumeMounts by mountPath, ...): the patch's items first, in its order, merged with
 *   their match, then the others; `finalizers` merge as a set; every other list is replaced whole, and so are all
 *   lists of custom resources (Flux's included: a patch of a HelmRelease's valuesFrom replaces the list);
 * - a scalar of the patch wins.
 * The base is never changed: only the maps and lists on the way to a change are copied (see BuiltObject).
 */
export function strategicMerge(base: unknown, patch: unknown, schema = false): unknown {
  if (isObject(patch) && patch.$patch === 'delete') return null;
  if (!isObject(base) || !isObject(patch)) return withoutDirectives(patch);
  return mergeMap(base, patch, schema ? [] : undefined);
}

const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/** `path` is the field path from the object's root when the kind has a schema, undefined otherwise. */
function mergeMap(base: JsonObject, patch: JsonObject, path: string[] | undefined): JsonObject | null {
  if (patch.$patch === 'delete') return null;
  if (patch.$patch === 'replace') return withoutDirectives(patch) as JsonObject;
  let out: JsonObject | undefined;
  const set = (key: string, value: unknown) => {
    out ??= { ...base };
    if (value === undefined) delete out[key];
    else out[key] = value;
  };
  for (const key of Object.keys(patch)) {
    if (DIRECTIVE.test(key)) continue;
    const value = patch[key];
    const current = base[key];
    if (value === null) {
      if (key in base) set(key, undefined);
    } else if (isObject(value)) {
      if (isObject(current)) {
        const merged = mergeMap(current, value, path && [...path, key]);
        if (merged === null) set(key, undefined);
        else if (merged !== current) set(key, merged);
      } else if (value.$patch !== 'delete') set(key, withoutDirectives(value));
      else if (key in base) set(key, undefined);
    } else if (Array.isArray(value)) {
      const mergeKey = path && Array.isArray(current) ? listMergeKey([...path, key]) : undefined;
      set(key, mergeKey === undefined ? withoutDirectives(value) : mergeList(current as unknown[], value, mergeKey, [...path!, key]));
    } else set(key, value);
  }
  return out ?? base;
}

/**
 * The merge key of a list field of a kind in kustomize's built-in schema (Kubernetes' x-kubernetes-patch-merge-key
 * with patch strategy merge); '' for a list of scalars merged as a set; undefined for a list replaced whole.
 */
function listMergeKey(path: string[]): string | undefined {
  const field = path[path.length - 1];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'env':
    case 'webhooks':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
      return 'type';
    case 'finalizers':
      return path.length === 2 && path[0] === 'metadata' ? '' : undefined;
    case 'ports':
      // A Service's ports merge by port, a container's by containerPort.
      return path.length === 2 && path[0] === 'spec' ? 'port' : 'containerPort';
    default:
      return undefined;
  }
}

function mergeList(base: unknown[], patch: unknown[], key: string, path: string[]): unknown[] {
  if (key === '') {
    const out = patch.filter((v) => !isObject(v));
    for (const v of base) if (!out.includes(v)) out.push(v);
    return out;
  }
  const keyOf = (v: unknown) => (isObject(v) && v[key] !== undefined && v[key] !== null ? String(v[key]) : undefined);
  const out: unknown[] = [];
  const used = new Set<number>();
  for (const item of patch) {
    const k = keyOf(item);
    const at = k === undefined ? -1 : base.findIndex((b, i) => !used.has(i) && keyOf(b) === k);
    if (at >= 0) used.add(at);
    if (isObject(item) && item.$patch === 'delete') continue;
    if (at >= 0 && isObject(base[at]) && isObject(item)) {
      const merged = mergeMap(base[at] as JsonObject, item, path);
      if (merged !== null) out.push(merged);
    } else out.push(withoutDirectives(item));
  }
  base.forEach((b, i) => {
    if (!used.has(i)) out.push(b);
  });
  return out;
}

/** A patch value as it lands in an object: without `$patch` and the other directives. */
function withoutDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (!v.some((x) => isObject(x) || Array.isArray(x))) return v;
    const items = v.filter((x) => !(isObject(x) && x.$patch === 'delete')).map(withoutDirectives);
    return items.every((x, i) => x === v[i]) && items.length === v.length ? v : items;
  }
  if (!isObject(v)) return v;
  let out: JsonObject | undefined;
  for (const k of Object.keys(v)) {
    if (DIRECTIVE.test(k)) {
      out ??= { ...v };
      delete out[k];
      continue;
    }
    const c = withoutDirectives(v[k]);
    if (c !== v[k]) {
      out ??= { ...v };
      out[k] = c;
    }
  }
  return out ?? v;
}

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/**
 * Applies RFC 6902 operations in place (the caller gives a copy); returns why the patch does not apply, as
 * kustomize (evanphx/json-patch) would fail, or undefined.
 */
export function applyJson6902(target: JsonObject, ops: JsonPatchOp[]): string | undefined {
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string') return 'a JSON patch operation needs an op and a path';
    const failure = applyOp(target, op);
    if (failure) return failure;
  }
  return undefined;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  return path
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(root: JsonObject, segs: string[]): { parent: unknown; key: string } | undefined {
  let cur: unknown = root;
  for (const s of segs.slice(0, -1)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(s) ? cur[Number(s)] : undefined;
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, s)) cur = cur[s];
    else return undefined;
  }
  if (!Array.isArray(cur) && !isObject(cur)) return undefined;
  return { parent: cur, key: segs[segs.length - 1] };
}

function getAt(root: JsonObject, segs: string[]): unknown {
  let cur: unknown = root;
  for (const s of segs) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(s) ? cur[Number(s)] : undefined;
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, s)) cur = cur[s];
    else return undefined;
  }
  return cur;
}

function applyOp(root: JsonObject, op: JsonPatchOp): string | undefined {
  const segs = pointer(op.path);
  const where = `${op.op} ${op.path}`;
  if (segs.length === 0) return `${where}: the whole document cannot be patched`;
  const loc = parentOf(root, segs);
  if (!loc) return `${where}: the path does not exist`;
  const { parent, key } = loc;
  const index = (forAdd: boolean): number | undefined => {
    if (!Array.isArray(parent)) return undefined;
    if (key === '-' && forAdd) return parent.length;
    if (!/^\d+$/.test(key)) return undefined;
    const i = Number(key);
    return i < parent.length || (forAdd && i === parent.length) ? i : undefined;
  };
  const exists = Array.isArray(parent) ? index(false) !== undefined : Object.prototype.hasOwnProperty.call(parent, key);
  switch (op.op) {
    case 'add':
    case 'copy':
    case 'move': {
      let value: unknown;
      if (op.op === 'add') {
        if (!('value' in op)) return `${where}: missing value`;
        value = clone(op.value);
      } else {
        const from = pointer(op.from ?? '');
        const src = getAt(root, from);
        if (op.from === undefined || src === undefined) return `${where}: 'from' ${op.from ?? ''} does not exist`;
        value = clone(src);
        if (op.op === 'move') {
          const removed = applyOp(root, { op: 'remove', path: op.from });
          if (removed) return removed;
          // The target's parent may have moved with the removal: look it up again.
          return applyOp(root, { op: 'add', path: op.path, value });
        }
      }
      if (Array.isArray(parent)) {
        const i = index(true);
        if (i === undefined) return `${where}: index out of range`;
        parent.splice(i, 0, value);
      } else (parent as JsonObject)[key] = value;
      return undefined;
    }
    case 'replace':
      if (!exists) return `${where}: the path does not exist`;
      if (Array.isArray(parent)) parent[index(false)!] = clone(op.value);
      else (parent as JsonObject)[key] = clone(op.value);
      return undefined;
    case 'remove':
      if (!exists) return `${where}: the path does not exist`;
      if (Array.isArray(parent)) parent.splice(index(false)!, 1);
      else delete (parent as JsonObject)[key];
      return undefined;
    case 'test': {
      const actual = getAt(root, segs);
      return JSON.stringify(actual) === JSON.stringify(op.value) ? undefined : `${where}: the value is not the one tested`;
    }
    default:
      return `unknown JSON patch operation '${String(op.op)}'`;
  }
}

export type { PatchTarget } from './resource-id.js';
