/** Pure helpers over Kubernetes objects as plain JSON: no I/O, shared by every layer above the model. */

export type JsonObject = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `group/version` → [group, version]; the core group (`v1`) is ''. */
export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

export const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';

export function isFluxKustomization(v: { apiVersion?: unknown; kind?: unknown }): boolean {
  return v.kind === 'Kustomization' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith(`${FLUX_KUSTOMIZE_GROUP}/`);
}

/** How Flux keys a namespaced object by name: `namespace/name`, the namespace defaulting to `default`. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? 'default'}/${name}`;
}
