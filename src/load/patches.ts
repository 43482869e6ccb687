/**
 * Just enough of kustomize's patching to know what an object looks like after the build:
 * strategic merge (maps merge, lists of named items merge by name, `$patch: delete`) and RFC 6902.
 * Positions keep pointing at the original document, so a patched value is reported where it was written.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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

export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (value === null) delete out[key];
    else if (isObject(value) && value.$patch === 'delete') delete out[key];
    else if (Array.isArray(value) && Array.isArray(out[key])) out[key] = mergeList(out[key] as unknown[], value);
    else if (isObject(value) && isObject(out[key])) out[key] = strategicMerge(out[key], value);
    else out[key] = clone(value);
  }
  return out;
}

function mergeList(base: unknown[], patch: unknown[]): unknown[] {
  const named = (l: unknown[]) => l.every((i) => isObject(i) && typeof i.name === 'string');
  if (!named(base) || !named(patch)) return clone(patch);
  const out = base.map((i) => clone(i)) as JsonObject[];
  for (const item of patch as JsonObject[]) {
    const at = out.findIndex((o) => o.name === item.name);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMerge(out[at], item) as JsonObject;
    else out.push(clone(item));
  }
  return out;
}

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** Applies RFC 6902 operations; returns false (leaving the value unspecified) when one does not apply. */
export function applyJson6902(target: JsonObject, ops: JsonPatchOp[]): boolean {
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string') return false;
    const ok = applyOp(target, op);
    if (!ok) return false;
  }
  return true;
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
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isObject(cur)) cur = cur[s];
    else return undefined;
  }
  return { parent: cur, key: segs[segs.length - 1] };
}

function getAt(root: JsonObject, segs: string[]): unknown {
  let cur: unknown = root;
  for (const s of segs) {
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isObject(cur)) cur = cur[s];
    else return undefined;
  }
  return cur;
}

function applyOp(root: JsonObject, op: JsonPatchOp): boolean {
  const segs = pointer(op.path);
  if (segs.length === 0) return false;
  const loc = parentOf(root, segs);
  if (!loc) return false;
  const { parent, key } = loc;
  const value = op.op === 'copy' || op.op === 'move' ? clone(getAt(root, pointer(op.from ?? ''))) : clone(op.value);
  if (op.op === 'move' && op.from !== undefined) applyOp(root, { op: 'remove', path: op.from });
  switch (op.op) {
    case 'add':
    case 'copy':
    case 'move':
    case 'replace':
      if (Array.isArray(parent)) {
        const i = key === '-' ? parent.length : Number(key);
        if (!(i >= 0 && i <= parent.length)) return false;
        if (op.op === 'replace') parent[i] = value;
        else parent.splice(i, 0, value);
      } else if (isObject(parent)) parent[key] = value;
      else return false;
      return true;
    case 'remove':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else if (isObject(parent)) delete parent[key];
      else return false;
      return true;
    case 'test':
      return true;
    default:
      return false;
  }
}

export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** kustomize matches target name, kind and namespace as anchored regular expressions. */
export function matchesTarget(obj: JsonObject, target: PatchTarget): boolean {
  const meta = (isObject(obj.metadata) ? obj.metadata : {}) as JsonObject;
  const [group, version] = splitApiVersion(String(obj.apiVersion ?? ''));
  const test = (pattern: string | undefined, actual: string | undefined) => {
    if (pattern === undefined || pattern === '') return true;
    try {
      return new RegExp(`^(?:${pattern})$`).test(actual ?? '');
    } catch {
      return pattern === actual;
    }
  };
  if (!test(target.group, group) || !test(target.version, version)) return false;
  if (!test(target.kind, String(obj.kind ?? '')) || !test(target.name, String(meta.name ?? ''))) return false;
  if (target.namespace !== undefined && !test(target.namespace, meta.namespace as string | undefined)) return false;
  if (target.labelSelector && !matchSelector(meta.labels, target.labelSelector)) return false;
  if (target.annotationSelector && !matchSelector(meta.annotations, target.annotationSelector)) return false;
  return true;
}

/**
 * A Kubernetes label selector string: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by
 * commas (commas inside parentheses belong to the set). As k8s.io/apimachinery/pkg/labels: `notin` and `!=` also
 * match an object without the key.
 */
function matchSelector(map: unknown, selector: string): boolean {
  const labels = (isObject(map) ? map : {}) as Record<string, unknown>;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  const value = (k: string) => (has(k) ? String(labels[k]) : undefined);
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  return terms.every((term) => {
    const t = term.trim();
    if (t === '') return true;
    const set = t.match(/^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/);
    if (set) {
      const values = set[3].split(',').map((v) => v.trim());
      const v = value(set[1]);
      return set[2] === 'in' ? v !== undefined && values.includes(v) : v === undefined || !values.includes(v);
    }
    const neq = t.match(/^([^!=\s]+)\s*!=\s*(.*)$/);
    if (neq) return value(neq[1]) !== neq[2].trim();
    const eq = t.match(/^([^=\s]+)\s*==?\s*(.*)$/);
    if (eq) return value(eq[1]) === eq[2].trim();
    if (t.startsWith('!')) return !has(t.slice(1).trim());
    return has(t);
  });
}

export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}
