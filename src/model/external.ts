/**
 * An object that exists in the cluster without being in git: a Secret created by `flux bootstrap`, by SOPS
 * decryption at bootstrap, by a human with kubectl, or by a controller this linter does not model. Declared in the
 * config's `external` list; reference rules (ref-not-found, source-not-found, ...) read them from
 * `RuleContext.options.external` and treat a reference to one as resolved.
 */
export interface ExternalObject {
  kind: string;
  name: string;
  /** Omitted: the object is cluster-scoped, or exists under this name in every namespace. */
  namespace?: string;
}

/** Whether kind/name/namespace is declared external. */
export function isExternal(list: readonly ExternalObject[] | undefined, kind: string, name: string, namespace: string | undefined): boolean {
  if (!list) return false;
  return list.some((e) => e.kind === kind && e.name === name && (e.namespace === undefined || e.namespace === namespace));
}
