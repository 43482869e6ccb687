import type { Diagnostic } from '../model/diagnostic.js';
import type { ClusterDiff, DiffResult, KustomizationDiff, ObjectDiff } from '../model/diff.js';

/**
 * `lint-gitops diff --format json`: the DiffResult without the text formats' diff trees, keys in a fixed order
 * (README "Diff" documents the shape; `version` changes when it does incompatibly). Findings are in the shape of
 * `--format json`'s diagnostics.
 */
export const DIFF_JSON_VERSION = 1;

export function formatDiffJson(result: DiffResult): string {
  const out = {
    version: DIFF_JSON_VERSION,
    base: result.base,
    summary: result.summary,
    files: result.files,
    clusters: result.clusters.map(cluster),
    findings: { introduced: result.findings.introduced.map(finding), resolved: result.findings.resolved.map(finding) },
  };
  return JSON.stringify(out, null, 2) + '\n';
}

function cluster(c: ClusterDiff) {
  return {
    cluster: c.cluster,
    status: c.status,
    kustomizationCount: c.kustomizationCount,
    objectCount: c.objectCount,
    unchangedKustomizations: c.unchangedKustomizations,
    kustomizations: c.kustomizations.map(kustomization),
    ...(c.graph ? { graph: c.graph } : {}),
  };
}

function kustomization(k: KustomizationDiff) {
  return { key: k.key, status: k.status, path: k.path, added: k.added.map(object), removed: k.removed.map(object), changed: k.changed.map(object) };
}

function object(o: ObjectDiff) {
  return {
    apiVersion: o.apiVersion,
    ...(o.apiVersionBefore !== undefined ? { apiVersionBefore: o.apiVersionBefore } : {}),
    kind: o.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    file: o.file,
    changes: o.changes,
    ...(o.helmRelease ? { helmRelease: o.helmRelease } : {}),
  };
}

function finding({ ruleId, severity, message, file, line, column, endLine, endColumn }: Diagnostic) {
  return { ruleId, severity, message, file, line, column, endLine, endColumn };
}
