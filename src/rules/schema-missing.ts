import { objectLocation } from '../load/index.js';
import { splitApiVersion } from '../schema/index.js';
import { closest } from './did-you-mean.js';
import { schemaContext, type SchemaTarget } from './schema-support.js';
import type { Rule } from './types.js';

export const schemaMissing: Rule = {
  id: 'schema-missing',
  severity: 'warning',
  description: 'Objects of an apiVersion/kind that no bundled schema, CRD in the tree or --crds directory describes; reported once per kind.',
  docs: {
    why: 'Without a schema a typo in a cert-manager Certificate or a Traefik IngressRoute is only found when Flux applies it. lint-gitops ships the schemas of Kubernetes, Flux, tofu-controller, External Secrets and CloudNativePG; for other kinds it uses the CustomResourceDefinitions it finds in the linted tree, in the config\'s crdDirectories, or in --crds DIR. A kind whose group has known kinds may be misspelt.',
    wrong: 'apiVersion: cert-manager.io/v1\nkind: Certificate   # no CRD in the tree',
    right: 'lint-gitops --crds ./platform/crds clusters/production',
  },
  check({ model, report }) {
    const ctx = schemaContext(model);
    const kinds = new Map<string, { first: SchemaTarget; count: number; why?: string }>();
    const note = (t: SchemaTarget, why?: string) => {
      const key = `${splitApiVersion(t.apiVersion).group}\0${t.kind}`;
      const had = kinds.get(key);
      if (had) had.count++;
      else kinds.set(key, { first: t, count: 1, why });
    };
    for (const t of ctx.targets()) {
      if (t.apiVersion === '' && t.cluster) continue; // manifest-shape reports it
      const status = ctx.status(t.apiVersion, t.kind, t.cluster).level;
      if (status === 'unknown') note(t);
      else if (status !== 'not-served' && (ctx.lookup(t.apiVersion, t.kind)?.file?.startsWith('crd:') || ctx.lookup(t.apiVersion, t.kind)?.catalog !== undefined)) {
        // A CRD from the tree (or a catalog / --schema-location schema) that cannot be compiled: its objects go unchecked.
        const r = ctx.validate(t);
        if (r.status === 'no-schema' && r.issues[0]) note(t, r.issues[0].message);
      }
    }
    for (const { first, count, why } of kinds.values()) {
      const objects = `${count} object${count === 1 ? '' : 's'}`;
      const what = `${first.apiVersion || first.kind} ${first.apiVersion ? first.kind : ''}`.trim();
      const message = why
        ? `${why}; ${objects} of ${what} are not validated`
        : `no schema for ${what}${hint(ctx, first)}; ${objects} not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)`;
      report(objectLocation(first.at, ['kind']), message);
    }
  },
};

/** A newer version than the bundled schemas know, or a kind that looks like a known one of its group. */
function hint(ctx: ReturnType<typeof schemaContext>, t: SchemaTarget): string {
  const { group } = splitApiVersion(t.apiVersion);
  const known = ctx.shipped.versionsOf(group, t.kind).filter((e) => e.served);
  if (known.length > 0) return ` (lint-gitops knows ${t.kind} ${known.map((e) => e.apiVersion).join(', ')})`;
  const kinds = ctx.shipped.entries().filter((e) => e.group === group && e.served).map((e) => e.kind);
  const guess = closest(t.kind, kinds);
  return guess ? ` (did you mean '${guess}'?)` : '';
}
