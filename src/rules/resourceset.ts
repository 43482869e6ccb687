import { templatePointRange } from '../load/resourceset.js';
import type { Rule } from './types.js';

export const resourceSet: Rule = {
  id: 'resourceset',
  severity: 'error',
  description:
    'A Flux Operator ResourceSet whose templates the operator cannot render (a template that does not parse, a missing input, output that is not an object); an info when its inputs come from a provider that needs a live API and it cannot be expanded offline.',
  docs: {
    why:
      "The Flux Operator renders a ResourceSet's resources once per input set (Go text/template with << >> delimiters) and applies the result; when a template fails, nothing of the ResourceSet is applied and its status says why, after the merge. lint-gitops renders inline inputs and Static ResourceSetInputProviders offline, so the generated Kustomizations, HelmReleases and sources are checked like the others. Providers that query GitHub, GitLab or a registry cannot be read offline: that ResourceSet is listed (info), never guessed.",
    wrong: "spec:\n  inputs:\n    - app: podinfo\n  resources:\n    - apiVersion: v1\n      kind: Namespace\n      metadata:\n        name: << inputs.ap >>",
    right: "spec:\n  inputs:\n    - app: podinfo\n  resources:\n    - apiVersion: v1\n      kind: Namespace\n      metadata:\n        name: << inputs.app >>",
  },
  check({ model, report }) {
    for (const cluster of model.clusters) {
      for (const { object, expansion } of cluster.resourceSets) {
        const label = `ResourceSet ${object.namespace ?? 'default'}/${object.name}`;
        for (const issue of expansion.issues) {
          const point = { ...issue.at, path: [...object.docPath, ...issue.at.path] };
          const r = templatePointRange(object.doc, point);
          report({ file: object.doc.file, start: r.start, end: r.end }, `${label}: ${issue.message}`, { severity: issue.severity });
        }
        if (expansion.offlineProviders.length > 0) {
          const which = expansion.offlineProviders.map((p) => `${p.namespace ? `${p.namespace}/` : ''}${p.name} (${p.type})`).join(', ');
          const what = expansion.status === 'partial' ? 'is expanded only for its inline and Static inputs' : 'is not expanded offline';
          report({ doc: object.doc, path: [...object.docPath, ...expansion.offlineProviders[0].path] }, `${label} ${what}: its inputs also come from ${which}, which the operator reads from a live API`, {
            severity: 'info',
          });
        }
      }
    }
  },
};
