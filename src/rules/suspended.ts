import { dependencyGraph, displayName, nodeId } from '../graph/dependency-graph.js';
import type { Rule } from './types.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { objectLocation } from '../model/location.js';

const SUSPENDABLE: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io/Kustomization': 'Kustomization',
  'helm.toolkit.fluxcd.io/HelmRelease': 'HelmRelease',
};

export const suspended: Rule = {
  id: 'suspended',
  severity: 'warning',
  description: 'A Kustomization or HelmRelease is committed with suspend: true.',
  docs: {
    why: '`flux suspend` is meant for a short manual intervention on the cluster. Committed to the branch Flux syncs, it stops reconciliation for good: changes to it are never applied, drift is never corrected, and everything that dependsOn it keeps waiting.',
    wrong: 'spec:\n  suspend: true',
    right: 'spec:\n  suspend: false   # or remove the field; use `flux suspend` on the cluster for a temporary pause',
  },
  check({ model, report }) {
    const seen = new Set<string>();
    for (const cluster of model.clusters) {
      const graph = dependencyGraph(cluster);
      for (const o of cluster.objects) {
        const kind = SUSPENDABLE[`${splitApiVersion(o.apiVersion)[0]}/${o.kind}`];
        if (!kind || !isObject(o.value.spec) || o.value.spec.suspend !== true) continue;
        const ns = o.namespace ?? 'default';
        const node = graph.node(nodeId(kind as 'Kustomization' | 'HelmRelease', ns, o.name));
        const waiting = node ? graph.dependents(node).map((d) => displayName(d, ns)) : [];
        const also = waiting.length > 0 ? `; ${waiting.join(', ')} ${waiting.length === 1 ? 'depends' : 'depend'} on it and will wait` : '';
        const at = objectLocation(o, ['spec', 'suspend']);
        // One finding per written place: an object built by two clusters (or two builds) is reported once, two
        // documents of one file each.
        const key = `${at.doc.file.path}\0${at.doc.index}\0${JSON.stringify(at.path)}\0${also}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report(at, `${kind} ${ns}/${o.name} is committed with suspend: true: Flux does not reconcile it until someone runs 'flux resume'${also}`);
      }
    }
  },
};
