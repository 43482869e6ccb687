import { isObject, type JsonObject } from './patches.js';

/**
 * Flux's post-build variable substitution (drone/envsubst with Flux's rules):
 * `${VAR}`, `${VAR:=default}`, `${VAR:-default}`, `${VAR=default}`, `${VAR-default}`, and `$${VAR}` to escape.
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
 * Unlike Flux we leave an undefined variable as written, so the model shows what could not be resolved.
 */
const TOKEN = /\$\$\{[^}]*\}|\$\{([^}]*)\}/g;
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

export interface VarUse {
  name: string;
  /** The default written after `:=`, `:-`, `=` or `-`, when there is one. */
  fallback?: string;
  /** The whole token as written. */
  text: string;
}

/** Variables a string uses, escaped ones excluded. */
export function varUses(s: string): VarUse[] {
  const out: VarUse[] = [];
  for (const m of s.matchAll(TOKEN)) {
    if (m[0].startsWith('$$')) continue;
    const inner = m[1];
    const name = inner.match(NAME)?.[0];
    if (!name) continue;
    const rest = inner.slice(name.length);
    const op = rest.match(/^:?[=-]/)?.[0];
    out.push({ name, fallback: op ? rest.slice(op.length) : undefined, text: m[0] });
  }
  return out;
}

export function substituteString(s: string, vars: ReadonlyMap<string, string>): string {
  if (!s.includes('${')) return s;
  return s.replace(TOKEN, (token: string, inner: string | undefined) => {
    if (token.startsWith('$$')) return token.slice(1);
    const name = inner?.match(NAME)?.[0];
    if (!name) return token;
    if (vars.has(name)) return vars.get(name)!;
    const rest = inner!.slice(name.length);
    const op = rest.match(/^:?[=-]/)?.[0];
    return op ? rest.slice(op.length) : token;
  });
}

/**
 * The value with variables substituted. What substitution leaves unchanged is returned as it is, not copied: the
 * built objects share their values with the parsed documents (copy-on-write, see src/load/kustomize.ts), and most
 * objects of a Kustomization with postBuild use no variable at all.
 */
export function substituteValue(v: unknown, vars: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return substituteString(v, vars);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const s = substituteValue(v[i], vars);
      if (out === undefined && s !== v[i]) out = v.slice(0, i);
      out?.push(s);
    }
    return out ?? v;
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    const subKeys: string[] = new Array(keys.length);
    const subValues: unknown[] = new Array(keys.length);
    const proto = Object.getPrototypeOf(v);
    let changed = proto !== Object.prototype && proto !== null;
    for (let i = 0; i < keys.length; i++) {
      subKeys[i] = substituteString(keys[i], vars);
      subValues[i] = substituteValue(v[keys[i]], vars);
      if (subKeys[i] !== keys[i] || subValues[i] !== v[keys[i]]) changed = true;
    }
    if (!changed) return v;
    const out: JsonObject = {};
    for (let i = 0; i < keys.length; i++) {
      // A YAML key `__proto__` is an own property, never the prototype.
      if (subKeys[i] === '__proto__') Object.defineProperty(out, '__proto__', { value: subValues[i], enumerable: true, writable: true, configurable: true });
      else out[subKeys[i]] = subValues[i];
    }
    return out;
  }
  return v;
}

export function substitutionDisabled(obj: JsonObject): boolean {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const ann = isObject(meta.annotations) ? meta.annotations : {};
  const labels = isObject(meta.labels) ? meta.labels : {};
  return ann[SUBSTITUTE_ANNOTATION] === 'disabled' || labels[SUBSTITUTE_ANNOTATION] === 'disabled';
}
