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
  if (!s.includes('${')) return out;
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
    // Anything but a plain object becomes one, as it always did.
    const proto = Object.getPrototypeOf(v);
    const plain = proto === Object.prototype || proto === null;
    const keys = Object.keys(v);
    let out: JsonObject | undefined = plain ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const sk = substituteString(k, vars);
      const sv = substituteValue(v[k], vars);
      if (out === undefined && (sk !== k || sv !== v[k])) {
        out = {};
        for (let j = 0; j < i; j++) setOwn(out, keys[j], v[keys[j]]);
      }
      if (out !== undefined) setOwn(out, sk, sv);
    }
    return out ?? v;
  }
  return v;
}

/** Sets a key as an own property: a YAML key `__proto__` is data, never the prototype. */
function setOwn(o: JsonObject, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

export function substitutionDisabled(obj: JsonObject): boolean {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const ann = isObject(meta.annotations) ? meta.annotations : {};
  const labels = isObject(meta.labels) ? meta.labels : {};
  return ann[SUBSTITUTE_ANNOTATION] === 'disabled' || labels[SUBSTITUTE_ANNOTATION] === 'disabled';
}
