import { objectIndex, type ObjectIndex } from '../graph/objects.js';
import { clusterReferences, describeTarget, findReferent, isSatisfied, namesNear, type Reference } from '../graph/references.js';
import { didYouMean } from './did-you-mean.js';
import type { Rule } from './types.js';
import { objectLocation } from '../model/location.js';
import { type Cluster } from '../model/types.js';

/** The source kinds each reference may name (Flux and tofu-controller API enums). */
const SOURCE_KINDS: Record<string, string[]> = {
  'Kustomization sourceRef': ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'],
  'HelmRelease sourceRef': ['HelmRepository', 'GitRepository', 'Bucket'],
  'HelmRelease chartRef': ['OCIRepository', 'HelmChart', 'ExternalArtifact'],
  'Terraform sourceRef': ['GitRepository', 'OCIRepository', 'Bucket'],
};

export const sourceNotFound: Rule = {
  id: 'source-not-found',
  severity: 'error',
  description:
    'A Kustomization sourceRef, HelmRelease chart.spec.sourceRef or chartRef, or Terraform sourceRef names a source that the cluster does not define.',
  docs: {
    why: 'The controller cannot fetch an artifact from a source that does not exist: the object stays not Ready ("Source \'GitRepository/apps/flux-system\' not found") and everything that dependsOn it waits. A missing sourceRef namespace means the referrer\'s own namespace.',
    wrong: 'metadata:\n  namespace: apps\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: flux-system',
    right: 'metadata:\n  namespace: apps\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system',
  },
  check({ model, report, options }) {
    for (const cluster of model.clusters) {
      const index = objectIndex(cluster);
      for (const ref of clusterReferences(cluster)) {
        if (ref.field !== 'sourceRef' && ref.field !== 'chartRef') continue;
        if (!ref.kind || !SOURCE_KINDS[`${ref.from.kind} ${ref.field}`]?.includes(ref.kind)) continue; // schema rules report a bad kind
        if (isSatisfied(index, ref, options.external) || isBootstrapSource(cluster, ref)) continue;
        report(objectLocation(ref.from, ref.namePath), `${ref.from.kind} ${ref.label} ${describeTarget(ref)} does not exist in this cluster${hint(index, ref)}`);
      }
    }
  },
};

/**
 * Without a flux-system bootstrap in the tree, `flux bootstrap` still creates GitRepository (or OCIRepository)
 * flux-system/flux-system outside Git, and a FluxInstance's sync creates its source: references to those are not findings.
 */
function isBootstrapSource(cluster: Cluster, ref: Reference): boolean {
  if (cluster.implicitSources.some((s) => s.kind === ref.kind && s.name === ref.name && s.namespace === ref.namespace)) return true;
  return cluster.bootstrap === 'synthetic' && ref.name === 'flux-system' && ref.namespace === 'flux-system';
}

/** The likely fix: the same name in another namespace or of another source kind, else a close name. */
function hint(index: ObjectIndex, ref: Reference): string {
  const others = index.namespacesOf(ref.kind, ref.name).filter((ns) => ns !== '' && ns !== ref.namespace);
  if (others.length > 0) {
    const where = others.map((ns) => `'${ns}'`).join(', ');
    const why = ref.namespaceWritten ? '' : ` (a sourceRef without namespace means the ${ref.from.kind}'s own namespace)`;
    return `; ${/^[AEIOU]/.test(ref.kind) ? 'an' : 'a'} ${ref.kind} '${ref.name}' exists in namespace ${where}${why}`;
  }
  for (const kind of SOURCE_KINDS[`${ref.from.kind} ${ref.field}`] ?? []) {
    if (kind !== ref.kind && findReferent(index, { ...ref, kind }).length > 0) return `; there is ${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} '${ref.name}' (kind: ${kind}?)`;
  }
  return didYouMean(ref.name, namesNear(index, ref));
}
