import { allIds, isSelectedBy, matchesMetadataSelectors, selectorIsEmpty, type IdSelector, type Identified } from './resource-id.js';
import { parseLabelSelector } from './label-selector.js';
import type { Location, NodePath } from '../model/types.js';
import { isObject, type JsonObject } from '../model/objects.js';

/**
 * kustomize's `replacements` (api/filters/replacement/replacement.go, v5): copy one value of one object (the
 * source) into fields of other objects (the targets). The last of a kustomization's built-in transformers.
 * https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/replacements/
 *
 * Where a replaced value came from is recorded as the source value's own location (its provenance, if a patch or
 * another replacement wrote it), so a finding on `spec.targetNamespace` set from a Namespace points at the
 * Namespace's name as written (or at the `namespace:` that renamed it), not at the target's document.
 */

export interface FieldOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

export interface Replacement {
  source: IdSelector & { fieldPath?: string; options?: FieldOptions };
  targets: {
    select: IdSelector & { labelSelector?: string; annotationSelector?: string };
    reject: (IdSelector & { labelSelector?: string; annotationSelector?: string })[];
    fieldPaths: string[];
    options?: FieldOptions;
  }[];
}

/** A built object as replacements see it (BuiltObject). */
export interface Replaceable extends Identified {
  provenance?: Map<string, Location>;
}

export interface ReplacementHooks<T extends Replaceable> {
  /** Where a value of an object was written (objectLocation). */
  locate(o: T, path: NodePath): Location;
  /** Records that a value of an object was written at a place. */
  record(o: T, path: NodePath, at: Location): void;
}

/** A replacement as written (inline, or one entry of a `path:` file), or why kustomize refuses it. */
export function readReplacement(v: unknown): Replacement | { error: string } {
  if (!isObject(v) || !isObject(v.source) || !Array.isArray(v.targets)) return { error: 'replacements must specify a source and at least one target' };
  const sel = (s: unknown): IdSelector & { labelSelector?: string; annotationSelector?: string } => {
    const o = isObject(s) ? s : {};
    const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
    return {
      group: str(o.group),
      version: str(o.version),
      kind: str(o.kind),
      name: str(o.name),
      namespace: str(o.namespace),
      labelSelector: str(o.labelSelector),
      annotationSelector: str(o.annotationSelector),
    };
  };
  const opts = (o: unknown): FieldOptions | undefined => {
    if (!isObject(o)) return undefined;
    return {
      delimiter: typeof o.delimiter === 'string' ? o.delimiter : undefined,
      index: typeof o.index === 'number' ? o.index : 0,
      create: o.create === true,
    };
  };
  const targets: Replacement['targets'] = [];
  for (const t of v.targets) {
    if (!isObject(t) || !isObject(t.select)) return { error: 'target must specify resources to select' };
    targets.push({
      select: sel(t.select),
      reject: Array.isArray(t.reject) ? t.reject.map(sel) : [],
      fieldPaths: Array.isArray(t.fieldPaths) ? t.fieldPaths.filter((p): p is string => typeof p === 'string') : [],
      options: opts(t.options),
    });
  }
  const source = sel(v.source);
  return {
    source: { ...source, fieldPath: typeof v.source.fieldPath === 'string' ? v.source.fieldPath : undefined, options: opts(v.source.options) },
    targets,
  };
}

/** Applies one replacement to the objects of a build, in place; returns why kustomize would fail, if it would. */
export function applyReplacement<T extends Replaceable>(objects: T[], r: Replacement, hooks: ReplacementHooks<T>): string | undefined {
  const sources = objects.filter((o) => allIds(o).some((id) => isSelectedBy(id, r.source)));
  if (sources.length === 0) return `replacement source ${describe(r.source)} selects nothing`;
  if (sources.length > 1) return `replacement source ${describe(r.source)} selects more than one object`;
  const source = sources[0];
  const fieldPath = r.source.fieldPath || 'metadata.name';
  const found = lookup(source.value, splitPath(fieldPath));
  if (found === undefined || isNilOrEmpty(found.value)) return `fieldPath '${fieldPath}' is missing in replacement source ${describe(r.source)}`;
  let value = found.value;
  const opts = r.source.options;
  if (opts?.delimiter) {
    if (!isScalar(value)) return 'delimiter option can only be used with scalar nodes';
    const parts = text(value).split(opts.delimiter);
    const i = opts.index ?? 0;
    if (i < 0 || i >= parts.length) return `options.index ${i} is out of bounds for value ${text(value)}`;
    value = parts[i];
  }
  const from = hooks.locate(source, found.path);

  for (const t of r.targets) {
    for (const s of [t.select, ...t.reject]) {
      for (const sel of [s.labelSelector, s.annotationSelector]) {
        if (sel) {
          const parsed = parseLabelSelector(sel);
          if ('error' in parsed) return parsed.error;
        }
      }
    }
    const fieldPaths = t.fieldPaths.length > 0 ? t.fieldPaths : ['metadata.name'];
    for (const o of objects) {
      if (!matchesMetadataSelectors(o.value, t.select)) continue;
      if (t.reject.some((rj) => (rj.labelSelector || rj.annotationSelector) && matchesMetadataSelectors(o.value, rj))) continue;
      const selected = allIds(o).some((id) => isSelectedBy(id, t.select) && !t.reject.some((rj) => !selectorIsEmpty(rj) && isSelectedBy(id, rj)));
      if (!selected) continue;
      for (const fp of fieldPaths) {
        const failure = copyValue(o, value, fp, t.options, from, hooks);
        if (failure) return failure;
      }
    }
  }
  return undefined;
}

function describe(s: IdSelector): string {
  const parts = [s.group && `group ${s.group}`, s.version && `version ${s.version}`, s.kind && `kind ${s.kind}`, s.name && `name ${s.name}`, s.namespace && `namespace ${s.namespace}`];
  return `(${parts.filter(Boolean).join(', ') || 'any object'})`;
}

/** A created scalar not yet given its value: kustomize creates an untagged node, so the value is typed by its text. */
const CREATED = Symbol('created scalar');

function copyValue<T extends Replaceable>(o: T, value: unknown, fp: string, options: FieldOptions | undefined, from: Location, hooks: ReplacementHooks<T>): string | undefined {
  const create = options?.create === true;
  const paths: (string | number)[][] = [];
  let root: unknown;
  try {
    root = match(o.value, splitPath(fp), 0, create ? kindOf(value) : undefined, [], paths);
  } catch (e) {
    return `unable to find${create ? ' or create' : ''} field '${fp}' in replacement target: ${(e as Error).message}`;
  }
  if (paths.length === 0) return `unable to find${create ? ' or create' : ''} field '${fp}' in replacement target`;
  let next = root as JsonObject;
  for (const path of paths) {
    const current = getIn(next, path);
    const set = fieldValue(current, value, options);
    if (typeof set === 'object' && set !== null && 'error' in set) return (set as { error: string }).error;
    next = setIn(next, path, 0, set) as JsonObject;
  }
  o.value = next;
  for (const path of paths) hooks.record(o, path, from);
  return undefined;
}

/** kustomize's setFieldValue: a scalar keeps its type and takes the value's text; anything else becomes the value. */
function fieldValue(target: unknown, value: unknown, options: FieldOptions | undefined): unknown {
  if (options?.delimiter) {
    if (!isScalar(target) && target !== CREATED) return { error: 'delimiter option can only be used with scalar nodes' };
    const parts = target === CREATED ? [''] : text(target).split(options.delimiter);
    const i = options.index ?? 0;
    const v = text(value);
    if (i < 0) parts.unshift(v);
    else if (i >= parts.length) parts.push(v);
    else parts[i] = v;
    value = parts.join(options.delimiter);
  }
  if (target === null) return { error: `cannot set a value into a null field` };
  if (target === CREATED) return isScalar(value) ? plain(text(value)) : value;
  if (!isScalar(target) || !isScalar(value)) return value;
  const t = text(value);
  if (typeof target === 'string') return t;
  if (typeof target === 'number') return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
  if (typeof target === 'boolean') return t === 'true' ? true : t === 'false' ? false : t;
  return t;
}

/** How YAML's core schema reads a plain scalar (an untagged node of this text). */
function plain(t: string): unknown {
  if (/^(?:~|null|Null|NULL)?$/.test(t)) return t === '' ? '' : null;
  if (/^(?:true|True|TRUE)$/.test(t)) return true;
  if (/^(?:false|False|FALSE)$/.test(t)) return false;
  if (/^[-+]?[0-9]+$/.test(t)) return Number(t);
  if (/^0o[0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(t)) return Number(t);
  return t;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function text(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function isNilOrEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function kindOf(v: unknown): 'map' | 'seq' | 'scalar' {
  return Array.isArray(v) ? 'seq' : isObject(v) ? 'map' : 'scalar';
}

/** kustomize's SmarterPathSplitter: `.` separates, except inside `[...]`. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of path) {
    if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    if (c === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const isIndex = (s: string) => /^\d+$/.test(s);
const isListMatch = (s: string) => s.startsWith('[') && s.endsWith(']');

function splitMatch(seg: string): [field: string, value: string] {
  const inner = seg.slice(1, -1);
  const eq = inner.indexOf('=');
  if (eq < 0) throw new Error(`list path element must contain fieldName=fieldValue for element to match: ${seg}`);
  return [inner.slice(0, eq), inner.slice(eq + 1)];
}

/** The source's value at a path (kyaml's PathGetter: `[k=v]` matches exactly), with its node path. */
function lookup(root: unknown, segs: string[]): { value: unknown; path: NodePath } | undefined {
  let cur = root;
  const path: (string | number)[] = [];
  for (const seg of segs) {
    if (Array.isArray(cur)) {
      let i: number;
      if (isIndex(seg)) i = Number(seg);
      else if (isListMatch(seg)) {
        let field: string;
        let want: string;
        try {
          [field, want] = splitMatch(seg);
        } catch {
          return undefined;
        }
        i = cur.findIndex((item) => (field === '' ? isScalar(item) && text(item) === want : isObject(item) && isScalar(item[field]) && text(item[field]) === want));
      } else return undefined;
      if (i < 0 || i >= cur.length) return undefined;
      path.push(i);
      cur = cur[i];
    } else if (isObject(cur) && !isListMatch(seg) && Object.prototype.hasOwnProperty.call(cur, seg)) {
      path.push(seg);
      cur = cur[seg];
    } else return undefined;
  }
  return { value: cur, path };
}

/**
 * kyaml's PathMatcher over a target: every node the path reaches (`*` every list item, `[k=v]` the items whose
 * `k` matches the regular expression v, anywhere in the text as Go's MatchString does, `0` an index), creating
 * what is missing when `create` is the kind of the value to write. Returns the new root (copied where created)
 * and pushes the node paths reached.
 */
function match(node: unknown, segs: string[], i: number, create: 'map' | 'seq' | 'scalar' | undefined, path: (string | number)[], out: (string | number)[][]): unknown {
  if (i === segs.length) {
    out.push(path);
    return node;
  }
  const seg = segs[i];
  const nextKind = (): 'map' | 'seq' | 'scalar' => {
    const next = segs[i + 1];
    if (next === undefined) return create!;
    return isIndex(next) || isListMatch(next) ? 'seq' : 'map';
  };
  const empty = (k: 'map' | 'seq' | 'scalar'): unknown => (k === 'map' ? {} : k === 'seq' ? [] : CREATED);
  if (isIndex(seg)) {
    if (!Array.isArray(node)) throw new Error(`${seg} is an index but the field is not a list`);
    const idx = Number(seg);
    let list = node;
    if (list.length === idx && create) list = [...list, empty(nextKind())];
    if (list.length < idx + 1) throw new Error(`index ${idx} specified but only ${list.length} elements found`);
    const child = match(list[idx], segs, i + 1, create, [...path, idx], out);
    if (child === list[idx]) return list;
    const copy = list === node ? list.slice() : list;
    copy[idx] = child;
    return copy;
  }
  if (isListMatch(seg)) {
    if (!Array.isArray(node)) throw new Error(`${seg} selects list items but the field is not a list`);
    const [field, pattern] = splitMatch(seg);
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      throw new Error(`invalid regular expression in ${seg}`);
    }
    let list = node;
    const visit = (): boolean => {
      let any = false;
      for (let j = 0; j < list.length; j++) {
        const item = list[j];
        if (field === '') {
          if (isScalar(item) && re.test(text(item).trim())) {
            out.push([...path, j]);
            any = true;
          }
          continue;
        }
        if (!isObject(item) || item[field] === undefined || item[field] === null) continue;
        if (!re.test(text(item[field]).trim())) continue;
        any = true;
        const child = match(item, segs, i + 1, create, [...path, j], out);
        if (child !== item) {
          if (list === node) list = list.slice();
          list[j] = child;
        }
      }
      return any;
    };
    if (!visit() && create) {
      list = [...list, field === '' ? plain(pattern) : { [field]: plain(pattern) }];
      visit();
    }
    return list;
  }
  if (seg === '*') {
    if (!Array.isArray(node)) throw new Error('* selects list items but the field is not a list');
    let list = node;
    for (let j = 0; j < list.length; j++) {
      const child = match(list[j], segs, i + 1, create, [...path, j], out);
      if (child !== list[j]) {
        if (list === node) list = list.slice();
        list[j] = child;
      }
    }
    return list;
  }
  if (!isObject(node)) return node;
  const has = Object.prototype.hasOwnProperty.call(node, seg);
  if (!has && !create) return node;
  const child = has ? node[seg] : empty(nextKind());
  const next = match(child, segs, i + 1, create, [...path, seg], out);
  if (has && next === child) return node;
  return { ...node, [seg]: next };
}

function getIn(root: unknown, path: (string | number)[]): unknown {
  let cur = root;
  for (const p of path) cur = Array.isArray(cur) ? cur[p as number] : isObject(cur) ? cur[p] : undefined;
  return cur;
}

function setIn(node: unknown, path: (string | number)[], i: number, value: unknown): unknown {
  if (i === path.length) return value;
  const key = path[i];
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[key as number] = setIn(node[key as number], path, i + 1, value);
    return copy;
  }
  const obj = isObject(node) ? node : {};
  return { ...obj, [key]: setIn(obj[key], path, i + 1, value) };
}
