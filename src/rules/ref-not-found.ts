import { objectIndex } from '../graph/objects.js';
import { clusterReferences, describeTarget, isSatisfied, namesNear, type ReferenceField } from '../graph/references.js';
import { didYouMean } from './did-you-mean.js';
import type { Rule } from './types.js';
import { objectLocation } from '../model/location.js';

/** The fields this rule checks and the kinds their API allows (other kinds are the schema rules' business). */
const KINDS: Partial<Record<ReferenceField, string[]>> = {
  valuesFrom: ['ConfigMap', 'Secret'],
  substituteFrom: ['ConfigMap', 'Secret'],
  varsFrom: ['ConfigMap', 'Secret'],
  secretStoreRef: ['SecretStore', 'ClusterSecretStore'],
  storeRef: ['SecretStore', 'ClusterSecretStore'],
};

export const refNotFound: Rule = {
  id: 'ref-not-found',
  severity: 'error',
  description:
    'A HelmRelease valuesFrom, Kustomization postBuild.substituteFrom, Terraform varsFrom or ExternalSecret secretStoreRef names a ConfigMap, Secret or store that nothing in the cluster builds or produces.',
  docs: {
    why: 'helm-controller, kustomize-controller, tofu-controller and External Secrets stop at a missing reference ("could not find Secret", "SecretStore not found") and the object stays not Ready. A reference marked optional: true is skipped by the controller, so it is only reported as info. Secrets that controllers write count as present: an ExternalSecret\'s target and a Terraform writeOutputsToSecret.',
    wrong: 'valuesFrom:\n  - kind: Secret\n    name: authentik-secret',
    right: 'valuesFrom:\n  - kind: Secret\n    name: authentik-secrets',
  },
  check({ model, report, options }) {
    for (const cluster of model.clusters) {
      const index = objectIndex(cluster);
      for (const ref of clusterReferences(cluster)) {
        if (!KINDS[ref.field]?.includes(ref.kind)) continue;
        if (isSatisfied(index, ref, options.external)) continue;
        const what = `${ref.from.kind} ${ref.label} ${describeTarget(ref)}`;
        const message = ref.optional
          ? `${what} does not exist in this cluster; it is optional, so the controller goes on without it`
          : `${what} does not exist: nothing in this cluster builds or produces it${didYouMean(ref.name, namesNear(index, ref))}`;
        report(objectLocation(ref.from, ref.namePath), message, ref.optional ? { severity: 'info' } : undefined);
      }
    }
  },
};
