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

export function substituteValue(v: unknown, vars: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return substituteString(v, vars);
  if (Array.isArray(v)) return v.map((i) => substituteValue(i, vars));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) out[substituteString(k, vars)] = substituteValue(val, vars);
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
