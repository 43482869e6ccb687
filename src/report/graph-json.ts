import type { ClusterWaves } from '../graph/waves.js';

/**
 * `{"kustomizations":[{name, namespace, wave, dependsOn:[{name, namespace}], path, file, line, generatedBy?}]}`
 * (`generatedBy`: the ResourceSet that generates it, when one does). With several
 * clusters every item also says which `cluster` directory it belongs to.
 */
export function formatGraphJson(clusters: ClusterWaves[]): string {
  const many = clusters.length > 1;
  const kustomizations = clusters.flatMap((c) =>
    c.kustomizations.map((k) => ({
      ...(many ? { cluster: c.cluster } : {}),
      name: k.name,
      namespace: k.namespace,
      wave: k.wave,
      dependsOn: k.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })),
      path: k.path,
      file: k.file,
      line: k.line,
      ...(k.generatedBy !== undefined ? { generatedBy: k.generatedBy } : {}),
    })),
  );
  return JSON.stringify({ kustomizations }, null, 2) + '\n';
}
