import type { ErrorObject } from 'ajv';
import { editDistance } from '../model/strings.js';

export interface SchemaIssue {
  /** Path of the offending value (for `required` and unknown fields: the parent object). */
  path: (string | number)[];
  /** The JSON-schema keyword that failed (additionalProperties, required, type, enum, oneOf, ...). */
  keyword: string;
  /** A human sentence, e.g. "spec.interval must be a string". */
  message: string;
  /** For unknown fields: the key that is not allowed. */
  unknownKey?: string;
  /** For unknown fields: the keys the schema declares at that place. */
  allowedKeys?: string[];
}

/** An issue plus the offending value, used internally (SOPS filtering). */
export interface RawIssue extends SchemaIssue {
  data?: unknown;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** "spec.template.spec.containers[0].image", metadata.annotations["fluxcd.io/x"] */
export function formatPath(path: readonly (string | number)[], root = 'object'): string {
  if (path.length === 0) return root;
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Split an ajv instancePath into segments; array indexes become numbers. */
export function splitInstancePath(instancePath: string, data: unknown): (string | number)[] {
  if (instancePath === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeList(types: string[]): string {
  const uniq = [...new Set(types)];
  // "integer or number" reads badly: number subsumes integer
  const list = uniq.includes('number') ? uniq.filter((t) => t !== 'integer') : uniq;
  const words = list.map((t) => TYPE_WORDS[t] ?? t);
  if (words.length <= 1) return words[0] ?? 'valid';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const typesOf = (e: ErrorObject): string[] => {
  const t = (e.params as { type?: string | string[] }).type;
  if (Array.isArray(t)) return t;
  return typeof t === 'string' ? t.split(',') : [];
};

const showValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = key.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = key.length <= 3 ? 1 : Math.max(2, Math.floor(key.length / 3));
  return best !== undefined && bestD <= limit && bestD < key.length ? best : undefined;
}

function single(e: ErrorObject, data: unknown, root: string): RawIssue {
  const path = splitInstancePath(e.instancePath, data);
  const where = formatPath(path, root);
  const p = e.params as Record<string, unknown>;
  const base = { path, keyword: e.keyword, data: e.data };
  switch (e.keyword) {
    case 'required':
      return { ...base, data: undefined, message: `${where} is missing required field '${String(p.missingProperty)}'` };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const allowedKeys = Object.keys(props ?? {}).sort();
      const guess = closestKey(key, allowedKeys);
      const hint = guess
        ? ` (did you mean '${guess}'?)`
        : allowedKeys.length > 0 && allowedKeys.length <= 12
          ? ` (allowed: ${allowedKeys.join(', ')})`
          : '';
      return {
        ...base,
        data: undefined,
        message: `${where} has unknown field '${key}'${hint}`,
        unknownKey: key,
        allowedKeys,
      };
    }
    case 'type':
      return { ...base, message: `${where} must be ${typeList(typesOf(e))}` };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[] | undefined) ?? [];
      return { ...base, message: `${where} must be one of ${allowed.map(showValue).join(', ')}` };
    }
    case 'const':
      return { ...base, message: `${where} must be ${showValue(p.allowedValue)}` };
    case 'pattern':
      return { ...base, message: `${where} must match pattern ${String(p.pattern)}` };
    case 'format':
      if (p.format === 'byte') {
        return { ...base, message: `${where} must be base64-encoded` };
      }
      if (p.format === 'k8s-quantity') {
        return { ...base, message: `${where} must be a quantity such as 500m, 2, 1.5 or 512Mi` };
      }
      return { ...base, message: `${where} must be a valid ${String(p.format)}` };
    case 'minLength':
      return { ...base, message: `${where} must be at least ${String(p.limit)} character(s) long` };
    case 'maxLength':
      return { ...base, message: `${where} must be at most ${String(p.limit)} character(s) long` };
    case 'minItems':
      return { ...base, message: `${where} must have at least ${String(p.limit)} item(s)` };
    case 'maxItems':
      return { ...base, message: `${where} must have at most ${String(p.limit)} item(s)` };
    case 'minProperties':
      return { ...base, message: `${where} must have at least ${String(p.limit)} field(s)` };
    case 'maxProperties':
      return { ...base, message: `${where} must have at most ${String(p.limit)} field(s)` };
    case 'uniqueItems':
      return { ...base, message: `${where} must not contain duplicates (items ${String(p.j)} and ${String(p.i)} are identical)` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { ...base, message: `${where} must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'not': {
      const req = (e.schema as { required?: string[] } | undefined)?.required;
      if (Array.isArray(req) && req.length) {
        return { ...base, data: undefined, message: `${where} must not set ${req.map((r) => `'${r}'`).join(' together with ')}` };
      }
      return { ...base, message: `${where} has a value that is not allowed here` };
    }
    default:
      return { ...base, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * Turn ajv errors (allErrors + verbose) into human issues. anyOf/oneOf
 * branch errors are collapsed into one useful message.
 */
export function toIssues(errors: readonly ErrorObject[], data: unknown, root: string): RawIssue[] {
  const consumed = new Set<number>();
  const out: RawIssue[] = [];
  // junctor errors come after their branch errors; handle the outermost last
  const results = new Map<number, RawIssue[]>();
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    // branch errors are the errors right before the junctor error that sit
    // at or below its instance path (ajv pushes them while trying the
    // branches); their schemaPath is only comparable when no $ref was crossed
    const branchIdx: number[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const b = errors[j]!;
      if (!isUnder(b.instancePath, e.instancePath)) break;
      if (!consumed.has(j)) branchIdx.push(j);
    }
    for (const j of branchIdx) consumed.add(j);
    results.set(i, collapse(e, branchIdx.reverse().map((j) => ({ err: errors[j]!, idx: j })), data, root, results));
  }
  for (let i = 0; i < errors.length; i++) {
    if (consumed.has(i)) continue;
    const e = errors[i]!;
    if (results.has(i)) out.push(...results.get(i)!);
    else out.push(single(e, data, root));
  }
  // de-duplicate
  const seen = new Set<string>();
  return out.filter((x) => {
    const k = `${x.keyword}\u0000${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function collapse(
  e: ErrorObject,
  branch: { err: ErrorObject; idx: number }[],
  data: unknown,
  root: string,
  nested: Map<number, RawIssue[]>,
): RawIssue[] {
  const path = splitInstancePath(e.instancePath, data);
  const where = formatPath(path, root);
  const alts = Array.isArray(e.schema) ? (e.schema as Record<string, unknown>[]) : [];
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (e.keyword === 'oneOf' && Array.isArray(passing) && passing.length > 1) {
    const names = requiredNames(alts);
    return [{
      path,
      keyword: 'oneOf',
      data: undefined,
      message: names.length ? `${where} must set exactly one of ${names.map((n) => `'${n}'`).join(', ')}` : `${where} matches more than one allowed form`,
    }];
  }
  // errors per branch: branch number from the schema path when it is there
  const byBranch = new Map<string, ErrorObject[]>();
  const prefix = `${e.schemaPath}/`;
  for (const { err } of branch) {
    const m = err.schemaPath.startsWith(prefix) ? /^(\d+)/.exec(err.schemaPath.slice(prefix.length)) : null;
    const k = m ? m[1]! : 'ref';
    byBranch.set(k, [...(byBranch.get(k) ?? []), err]);
  }
  const all = branch.map((b) => b.err);
  const atSelf = (x: ErrorObject) => x.instancePath === e.instancePath;
  if (all.length > 0 && all.every((x) => atSelf(x) && x.keyword === 'type')) {
    return [{ path, keyword: 'type', data: e.data, message: `${where} must be ${typeList(all.flatMap(typesOf))}` }];
  }
  const names = requiredNames(alts);
  if (names.length && all.every((x) => atSelf(x) && x.keyword === 'required')) {
    const verb = e.keyword === 'oneOf' ? 'exactly one of' : 'one of';
    return [{ path, keyword: e.keyword, data: undefined, message: `${where} must set ${verb} ${names.map((n) => `'${n}'`).join(', ')}` }];
  }
  // a branch whose type matched but that failed on fields or deeper down: report its issues
  const shapeMatched = [...byBranch.values()].filter((errs) =>
    errs.every((x) => !atSelf(x) || x.keyword === 'additionalProperties' || x.keyword === 'required'),
  );
  if (shapeMatched.length > 0) {
    const best = shapeMatched.reduce((a, b) => (b.length < a.length ? b : a));
    const bestSet = new Set(best);
    const inner: RawIssue[] = [];
    for (const { err, idx } of branch) {
      if (!bestSet.has(err)) continue;
      inner.push(...(nested.get(idx) ?? (err.keyword === 'anyOf' || err.keyword === 'oneOf' ? [] : [single(err, data, root)])));
    }
    if (inner.length) return inner;
  }
  if (all.length > 0 && all.every((x) => atSelf(x) && (x.keyword === 'enum' || x.keyword === 'const' || x.keyword === 'type'))) {
    const values = all.flatMap((x) => {
      const p = x.params as { allowedValues?: unknown[]; allowedValue?: unknown };
      return x.keyword === 'enum' ? p.allowedValues ?? [] : x.keyword === 'const' ? [p.allowedValue] : [];
    });
    if (values.length) return [{ path, keyword: 'enum', data: e.data, message: `${where} must be one of ${values.map(showValue).join(', ')}` }];
  }
  return [{
    path,
    keyword: e.keyword,
    data: e.data,
    message: e.keyword === 'oneOf' ? `${where} must match exactly one of the allowed forms` : `${where} does not match any of the allowed forms`,
  }];
}

function requiredNames(alts: Record<string, unknown>[]): string[] {
  const names: string[] = [];
  for (const a of alts) {
    const r = a?.required;
    if (!Array.isArray(r) || Object.keys(a).length !== 1) return [];
    names.push(r.join('+'));
  }
  return names;
}
