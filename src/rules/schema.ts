import { closest } from './did-you-mean.js';
import { schemaContext } from '../schema/index.js';
import type { Rule } from './types.js';
import { objectLocation } from '../model/location.js';

/** Issues about the parent object rather than one value: pointed at the parent's key. */
const ABOUT_PARENT = new Set(['required', 'oneOf', 'anyOf', 'not', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired']);

export const schema: Rule = {
  id: 'schema',
  severity: 'error',
  description:
    'An object or kustomization file does not match the schema of its apiVersion and kind: a wrong type, a value outside an enum, a missing required field, a pattern, format, minimum or maximum not met.',
  docs: {
    why: 'The API server validates every object against its schema before Flux can apply it (kustomize does the same for kustomization files): one invalid object fails the server-side dry-run of its whole Flux Kustomization ("HelmRelease/vault dry-run failed: spec.chart.spec.sourceRef.kind: Unsupported value"), so nothing in it is applied. Schemas are the upstream CRDs of Flux, tofu-controller, External Secrets and CloudNativePG and the Kubernetes API types shipped in schemas/, or the CRDs found in the tree or given with --crds. Values written as ${VAR} in a Kustomization with postBuild are placeholders and are not checked.',
    wrong: 'spec:\n  chart:\n    spec:\n      chart: vault\n      sourceRef:\n        kind: HelmRepo\n        name: hashicorp',
    right: 'spec:\n  chart:\n    spec:\n      chart: vault\n      sourceRef:\n        kind: HelmRepository\n        name: hashicorp',
  },
  check({ model, options, disk, report }) {
    const ctx = schemaContext(model, options, disk);
    for (const { t, issue } of ctx.servedIssues()) {
      if (issue.keyword === 'additionalProperties' || issue.keyword === 'schema') continue;
      if (ctx.substituted(t, issue.path)) continue;
      const at = objectLocation(t.at, issue.path);
      // A schema of the CRDs catalog may be older than the controller the cluster runs, and enums grow: a value it
      // does not list is an error only when it looks like a typo of one it does, else an info.
      let severity: 'info' | undefined;
      let hint = '';
      if (issue.keyword === 'enum' && ctx.fromCatalog(t)) {
        const value = valueAt(t.value, issue.path);
        const allowed = / must be one of (.+)$/.exec(issue.message)?.[1]?.split(', ') ?? [];
        const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
        if (guess) hint = `; did you mean '${guess}'?`;
        else severity = 'info';
      }
      report(ABOUT_PARENT.has(issue.keyword) ? { ...at, key: true } : at, issue.message + hint + ctx.schemaNote(t), severity ? { severity } : undefined);
    }
  },
};

function valueAt(v: unknown, path: readonly (string | number)[]): unknown {
  for (const seg of path) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}
