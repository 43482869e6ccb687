import { objectLocation } from '../load/index.js';
import { formatPath } from '../schema/index.js';
import { didYouMean } from './did-you-mean.js';
import { schemaContext } from './schema-support.js';
import type { Rule } from './types.js';

export const schemaUnknownField: Rule = {
  id: 'schema-unknown-field',
  severity: 'error',
  description: 'An object or kustomization file has a field its schema does not define (usually a typo: dependOn, intervall).',
  docs: {
    why: 'Flux applies with server-side apply and strict field validation, so the API server rejects an unknown field and the whole Kustomization fails ("unknown field \\"spec.dependOn\\""); kustomize refuses unknown fields in kustomization files. Where a CRD keeps unknown fields (x-kubernetes-preserve-unknown-fields, e.g. HelmRelease values), anything goes.',
    wrong: 'spec:\n  interval: 10m\n  dependOn:\n    - name: vault',
    right: 'spec:\n  interval: 10m\n  dependsOn:\n    - name: vault',
  },
  check({ model, report }) {
    const ctx = schemaContext(model);
    for (const { t, issue } of ctx.servedIssues()) {
      if (issue.keyword !== 'additionalProperties' || issue.unknownKey === undefined) continue;
      const key = issue.unknownKey;
      const allowed = issue.allowedKeys ?? [];
      const hint = didYouMean(key, allowed) || (allowed.length > 0 && allowed.length <= 12 ? ` (allowed: ${allowed.join(', ')})` : '');
      report({ ...objectLocation(t.at, [...issue.path, key]), key: true }, `${formatPath(issue.path, t.kind)} has unknown field '${key}'${hint}`);
    }
  },
};
