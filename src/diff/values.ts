import { isObject } from '../model/objects.js';
import type { DiffNode, FieldChange, Leaf } from '../model/diff.js';

/* The field-level diff trees (DiffNode, src/model/diff.ts) of two values, and their flat list of field changes. */

/** Where secrets are in an object: paths (from its root) whose values are never shown. */
export type SecretFields = (path: readonly (string | number)[]) => boolean;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A v1 Secret's values (`data`, `stringData`, and SOPS's `sops` block), and its last-applied-configuration
 * annotation, which repeats them. Other objects hold no secret value of their own: what post-build substitution
 * takes from a Secret is already a placeholder in the model (`<secret:KEY>`, src/load/flux.ts).
 */
export function secretFields(kind: string, apiVersion: string): SecretFields | undefined {
  if (kind !== 'Secret' || apiVersion !== 'v1') return undefined;
  return (p) =>
    (p.length === 1 && (p[0] === 'data' || p[0] === 'stringData' || p[0] === 'sops')) ||
    (p.length === 3 && p[0] === 'metadata' && p[1] === 'annotations' && p[2] === LAST_APPLIED);
}

/** The diff of two values; undefined when they are equal. */
export function diffValues(before: unknown, after: unknown, secret?: SecretFields): DiffNode | undefined {
  return diff(before, after, [], secret);
}

function diff(a: unknown, b: unknown, at: (string | number)[], secret: SecretFields | undefined): DiffNode | undefined {
  if (deepEqual(a, b)) return undefined;
  if (secret?.(at)) return secretDiff(a, b);
  if (isObject(a) && isObject(b)) {
    const entries: Array<{ key: string; node: DiffNode }> = [];
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(b, key)) entries.push({ key, node: removed(a[key], [...at, key], secret) });
      else {
        const node = diff(a[key], b[key], [...at, key], secret);
        if (node) entries.push({ key, node });
      }
    }
    for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) entries.push({ key, node: added(b[key], [...at, key], secret) });
    return { type: 'map', entries };
  }
  if (Array.isArray(a) && Array.isArray(b)) return diffLists(a, b, at, secret);
  return { type: 'leaf', change: 'changed', before: a, after: b };
}

function added(v: unknown, at: (string | number)[], secret: SecretFields | undefined): Leaf {
  return secret && containsSecret(v, at, secret) ? { type: 'leaf', change: 'added', secret: true } : { type: 'leaf', change: 'added', after: v };
}

function removed(v: unknown, at: (string | number)[], secret: SecretFields | undefined): Leaf {
  return secret && containsSecret(v, at, secret) ? { type: 'leaf', change: 'removed', secret: true } : { type: 'leaf', change: 'removed', before: v };
}

/** Whether a value added or removed whole holds a secret field (a Secret's `metadata` holding the annotation). */
function containsSecret(v: unknown, at: (string | number)[], secret: SecretFields): boolean {
  if (secret(at)) return true;
  if (isObject(v)) return Object.keys(v).some((k) => containsSecret(v[k], [...at, k], secret));
  if (Array.isArray(v)) return v.some((x, i) => containsSecret(x, [...at, i], secret));
  return false;
}

/** A secret field: key by key when both are maps (which key changed is not a secret), else as one value. */
function secretDiff(a: unknown, b: unknown): DiffNode {
  if (isObject(a) && isObject(b)) {
    const entries: Array<{ key: string; node: DiffNode }> = [];
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(b, key)) entries.push({ key, node: { type: 'leaf', change: 'removed', secret: true } });
      else if (!deepEqual(a[key], b[key])) entries.push({ key, node: { type: 'leaf', change: 'changed', secret: true } });
    }
    for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) entries.push({ key, node: { type: 'leaf', change: 'added', secret: true } });
    return { type: 'map', entries };
  }
  return { type: 'leaf', change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', secret: true };
}

/** Longest common subsequence is quadratic: longer lists that differ in length are shown replaced whole. */
const MAX_LCS = 2000;

function diffLists(a: unknown[], b: unknown[], at: (string | number)[], secret: SecretFields | undefined): DiffNode {
  const items: Array<{ index: number; label?: string; node: DiffNode }> = [];
  const an = names(a);
  const bn = names(b);
  if (an && bn) {
    const inA = new Map(an.map((n, i) => [n, i]));
    const inB = new Set(bn);
    for (const [j, n] of bn.entries()) {
      const i = inA.get(n);
      if (i === undefined) items.push({ index: j, label: `name: ${n}`, node: added(b[j], [...at, j], secret) });
      else {
        const node = diff(a[i], b[j], [...at, j], secret);
        if (node) items.push({ index: j, label: `name: ${n}`, node });
      }
    }
    for (const [i, n] of an.entries()) if (!inB.has(n)) items.push({ index: i, label: `name: ${n}`, node: removed(a[i], [...at, i], secret) });
    // Only the order changed: that is a change of the list (Flux applies it as written).
    if (items.length === 0) return { type: 'leaf', change: 'changed', before: a, after: b };
    return { type: 'seq', items };
  }
  if (a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const node = diff(a[i], b[i], [...at, i], secret);
      if (node) items.push({ index: i, node });
    }
    return { type: 'seq', items };
  }
  if (a.length * b.length > MAX_LCS * MAX_LCS) return { type: 'leaf', change: 'changed', before: a, after: b };
  for (const step of lcsSteps(a, b)) {
    if (step.op === 'removed') items.push({ index: step.i, node: removed(a[step.i], [...at, step.i], secret) });
    else if (step.op === 'added') items.push({ index: step.j, node: added(b[step.j], [...at, step.j], secret) });
  }
  return { type: 'seq', items };
}

/** Each item's `name` when every item is a map with a distinct string name. */
function names(list: unknown[]): string[] | undefined {
  if (list.length === 0) return undefined;
  const out: string[] = [];
  for (const x of list) {
    if (!isObject(x) || typeof x.name !== 'string') return undefined;
    out.push(x.name);
  }
  return new Set(out).size === out.length ? out : undefined;
}

/** An edit script from a to b: kept, removed (index in a) and added (index in b), in order. */
function lcsSteps(a: unknown[], b: unknown[]): Array<{ op: 'kept' | 'removed' | 'added'; i: number; j: number }> {
  const ka = a.map((x) => JSON.stringify(x));
  const kb = b.map((x) => JSON.stringify(x));
  const n = a.length;
  const m = b.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) len[i][j] = ka[i] === kb[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  const out: Array<{ op: 'kept' | 'removed' | 'added'; i: number; j: number }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) out.push({ op: 'kept', i: i++, j: j++ });
    else if (j >= m || (i < n && len[i + 1][j] >= len[i][j + 1])) out.push({ op: 'removed', i: i++, j });
    else out.push({ op: 'added', i, j: j++ });
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b as object, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

export function flatten(node: DiffNode | undefined, at: Array<string | number> = []): FieldChange[] {
  if (!node) return [];
  if (node.type === 'map') return node.entries.flatMap((e) => flatten(e.node, [...at, e.key]));
  if (node.type === 'seq') return node.items.flatMap((it) => flatten(it.node, [...at, it.index]));
  const out: FieldChange = { path: at, change: node.change };
  if (node.secret) out.secret = true;
  else {
    if (node.change !== 'added') out.before = node.before;
    if (node.change !== 'removed') out.after = node.after;
  }
  return [out];
}

/** The sub-diff at a path of maps (e.g. ['spec', 'values']), if that part changed. */
export function subDiff(node: DiffNode | undefined, path: readonly string[]): DiffNode | undefined {
  let at = node;
  for (const key of path) {
    if (!at) return undefined;
    if (at.type === 'leaf') {
      // A map added, removed or replaced whole: its part at the path, as a leaf of its own.
      const pick = (v: unknown) => (isObject(v) ? v[key] : undefined);
      const before = at.change === 'added' ? undefined : pick(at.before);
      const after = at.change === 'removed' ? undefined : pick(at.after);
      if (before === undefined && after === undefined) return undefined;
      if (at.secret) return at;
      at = before === undefined ? { type: 'leaf', change: 'added', after } : after === undefined ? { type: 'leaf', change: 'removed', before } : diffValues(before, after);
      continue;
    }
    if (at.type !== 'map') return undefined;
    at = at.entries.find((e) => e.key === key)?.node;
  }
  return at;
}
