import { formatPath, schemaContext } from '../schema/index.js';
import { didYouMean } from './did-you-mean.js';
import type { Rule } from './types.js';
import { objectLocation } from '../model/location.js';

export const schemaUnknownField: Rule = {
  id: 'schema-unknown-field',
  severity: 'error',
  description: 'An object or kustomization file has a field its schema does not define (usually a typo: dependOn, intervall).',
  docs: {
    why: 'Flux applies with server-side apply and strict field validation, so the API server rejects an unknown field and the whole Kustomization fails ("unknown field \\"spec.dependOn\\""); kustomize refuses unknown fields in kustomization files. Where a CRD keeps unknown fields (x-kubernetes-preserve-unknown-fields, e.g. HelmRelease values), anything goes.',
    wrong: 'spec:\n  interval: 10m\n  dependOn:\n    - name: vault',
    right: 'spec:\n  interval: 10m\n  dependsOn:\n    - name: vault',
  },
  check({ model, options, disk, report }) {
    const ctx = schemaContext(model, options, disk);
    for (const { t, issue } of ctx.servedIssues()) {
      if (issue.keyword !== 'additionalProperties' || issue.unknownKey === undefined) continue;
      const key = issue.unknownKey;
      const allowed = issue.allowedKeys ?? [];
      const guess = didYouMean(key, allowed);
      const hint = guess || (allowed.length > 0 && allowed.length <= 12 ? ` (allowed: ${allowed.join(', ')})` : '');
      // A schema of the CRDs catalog may be older than the controller the cluster runs (tuppr's spec.drain, VolSync
      // forks' spec.kopia): a field it does not know is an error when it looks like a typo of one it does, else an
      // info, since the linter cannot know.
      const lag = !guess && ctx.fromCatalog(t);
      const why = lag ? '; a typo, or a field newer than this schema' : '';
      report({ ...objectLocation(t.at, [...issue.path, key]), key: true }, `${formatPath(issue.path, t.kind)} has unknown field '${key}'${hint}${why}${ctx.schemaNote(t)}`, lag ? { severity: 'info' } : undefined);
    }
  },
};
