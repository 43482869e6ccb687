import type { Diagnostic, Severity } from '../model/diagnostic.js';
import { splitApiVersion } from '../model/objects.js';
import { closest } from './did-you-mean.js';
import { schemaContext, type SchemaTarget } from '../schema/index.js';
import type { Rule } from './types.js';
import { locate, objectLocation } from '../model/location.js';
import { type Location } from '../model/types.js';

/** Diagnostic.data of the run's line: every kind not validated, with its objects (so clusters' lines can merge). */
interface Unvalidated {
  kinds: { what: string; objects: string[] }[];
}

export const schemaMissing: Rule = {
  id: 'schema-missing',
  severity: 'info',
  presets: { strict: 'warning' },
  description:
    'Objects of kinds that no bundled schema, CRD in the tree or --crds directory describes are not validated: one line per run lists those kinds; a kind that looks like a typo of a known one (or a version newer than lint-gitops knows) is a warning of its own.',
  docs: {
    why: 'Without a schema a typo in a cert-manager Certificate or a Traefik IngressRoute is only found when Flux applies it. lint-gitops ships the schemas of Kubernetes, Flux, tofu-controller, External Secrets and CloudNativePG; for other kinds it uses the CustomResourceDefinitions it finds in the linted tree, in the config\'s crdDirectories, or in --crds DIR. Which kinds went unchecked is worth knowing once, not once per kind: the line is an info (a warning under --preset strict). A kind whose group has known kinds may be misspelt: the API server would reject it, so that one is a warning.',
    wrong: 'apiVersion: cert-manager.io/v1\nkind: Certificate   # no CRD in the tree',
    right: 'lint-gitops --crds ./platform/crds clusters/production',
  },
  check({ model, options, disk, report }) {
    const ctx = schemaContext(model, options, disk);
    const kinds = new Map<string, { first: SchemaTarget; objects: Set<string>; why?: string }>();
    const note = (t: SchemaTarget, why?: string) => {
      const key = `${splitApiVersion(t.apiVersion)[0]}\0${t.kind}`;
      let had = kinds.get(key);
      if (!had) kinds.set(key, (had = { first: t, objects: new Set(), why }));
      had.objects.add(objectId(t));
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
    const listed: { first: SchemaTarget; what: string; objects: string[] }[] = [];
    for (const { first, objects, why } of kinds.values()) {
      const what = `${first.apiVersion || first.kind} ${first.apiVersion ? first.kind : ''}`.trim();
      const at = objectLocation(first.at, ['kind']);
      const n = count(objects.size);
      const guess = hint(ctx, first);
      // A kind of a group lint-gitops knows, that it does not know: a typo the API server would reject, or a newer
      // version than the bundled schemas. Worth a warning of its own.
      if (guess) report(at, `no schema for ${what}${guess}; ${n} not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)`, { severity: 'warning' });
      else if (why) report(at, `${why}; ${n} of ${what} are not validated`);
      else listed.push({ first, what, objects: [...objects] });
    }
    if (listed.length === 0) return;
    // One line for every other kind, at the first object of any of them (in file order).
    const first = listed.map((k) => objectLocation(k.first.at, ['kind'])).sort(byPlace)[0];
    const data: Unvalidated = { kinds: listed.map((k) => ({ what: k.what, objects: k.objects })) };
    report(first, lineFor(data), { data });
  },
  combine(found) {
    const lines = found.filter((d) => isUnvalidated(d.data));
    const rest = found.filter((d) => !isUnvalidated(d.data)).map(({ data: _data, ...d }) => d);
    if (lines.length === 0) return rest;
    const kinds = new Map<string, Set<string>>();
    for (const d of lines) {
      for (const k of (d.data as Unvalidated).kinds) {
        let objects = kinds.get(k.what);
        if (!objects) kinds.set(k.what, (objects = new Set()));
        for (const o of k.objects) objects.add(o);
      }
    }
    // At the first line's place (clusters' lines are each at their first object); the most severe of their settings.
    const at = [...lines].sort((a, b) => byPlace(a, b) || rank(a.severity) - rank(b.severity))[0];
    const worst = lines.reduce((s, d) => (rank(d.severity) < rank(s) ? d.severity : s), at.severity);
    const { data: _data, ...line } = at;
    const merged: Unvalidated = { kinds: [...kinds].map(([what, objects]) => ({ what, objects: [...objects] })) };
    return [...rest, { ...line, severity: worst, message: lineFor(merged) }];
  },
};

/** The line: every kind sorted by name, with how many objects; the total. */
function lineFor(data: Unvalidated): string {
  const kinds = [...data.kinds].sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0));
  const total = kinds.reduce((n, k) => n + k.objects.length, 0);
  if (kinds.length === 1) {
    return `no schema for ${kinds[0].what}; ${count(total)} not validated (add its CustomResourceDefinition to the repository, or pass it with --crds DIR)`;
  }
  const list = kinds.map((k) => `${k.what} (${k.objects.length})`).join(', ');
  return `no schema for ${kinds.length} kinds, so ${count(total)} were not validated: ${list} (add their CustomResourceDefinitions to the repository, or pass them with --crds DIR)`;
}

function count(n: number): string {
  return `${n} object${n === 1 ? '' : 's'}`;
}

function isUnvalidated(data: unknown): data is Unvalidated {
  return typeof data === 'object' && data !== null && Array.isArray((data as Unvalidated).kinds);
}

/** One object (a shared base's object is the same one in every cluster that builds it). */
function objectId(t: SchemaTarget): string {
  const meta = typeof t.value.metadata === 'object' && t.value.metadata !== null ? (t.value.metadata as Record<string, unknown>) : {};
  return `${t.at.doc.file.path}\0${JSON.stringify(t.at.docPath)}\0${String(meta.namespace ?? '')}\0${String(meta.name ?? '')}`;
}

const rank = (s: Severity) => (s === 'error' ? 0 : s === 'warning' ? 1 : 2);

function byPlace(a: Location | Diagnostic, b: Location | Diagnostic): number {
  const pa = 'doc' in a ? { file: a.doc.file.path, ...locate(a) } : a;
  const pb = 'doc' in b ? { file: b.doc.file.path, ...locate(b) } : b;
  return (pa.file < pb.file ? -1 : pa.file > pb.file ? 1 : 0) || pa.line - pb.line || pa.column - pb.column;
}

/** A newer version than the bundled schemas know, or a kind that looks like a known one of its group. */
function hint(ctx: ReturnType<typeof schemaContext>, t: SchemaTarget): string {
  const [group] = splitApiVersion(t.apiVersion);
  const known = ctx.shipped.versionsOf(group, t.kind).filter((e) => e.served);
  if (known.length > 0) return ` (lint-gitops knows ${t.kind} ${known.map((e) => e.apiVersion).join(', ')})`;
  // The kinds of the group lint-gitops ships and those the tree's CRDs define (a misspelt kind of a tree's CRD).
  const kinds = [...ctx.shipped.entries().filter((e) => e.group === group && e.served).map((e) => e.kind), ...ctx.treeKinds(group).filter((k) => k !== t.kind)];
  const guess = closest(t.kind, kinds);
  return guess ? ` (did you mean '${guess}'?)` : '';
}
