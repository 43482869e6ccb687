import { isScalar } from 'yaml';
import type { TextEdit } from '../model/diagnostic.js';
import { formatPath, pinnedVersions, pinsFor, schemaContext, where, type SchemaContext, type SchemaIssue, type WrittenDoc } from '../schema/index.js';
import { splitApiVersion } from '../model/objects.js';
import type { Rule, RuleContext } from './types.js';
import { isObject } from '../model/objects.js';
import { objectLocation } from '../model/location.js';
import { type NodePath, type YamlDoc } from '../model/types.js';

/**
 * Fields that a newer apiVersion renamed or dropped, keyed by the new group/kind and the field path ([] for any
 * list index), with what to write instead. Any other field the new version rejects is still listed, without a hint.
 */
const RENAMED: Record<string, string> = {
  'helm.toolkit.fluxcd.io/HelmRelease spec.chart.spec.valuesFile': 'use spec.chart.spec.valuesFiles, a list',
  'helm.toolkit.fluxcd.io/HelmRelease spec.postRenderers[].kustomize.patchesStrategicMerge': 'use patches',
  'helm.toolkit.fluxcd.io/HelmRelease spec.postRenderers[].kustomize.patchesJson6902': 'use patches, with a target',
  'kustomize.toolkit.fluxcd.io/Kustomization spec.patchesStrategicMerge': 'use spec.patches',
  'kustomize.toolkit.fluxcd.io/Kustomization spec.patchesJson6902': 'use spec.patches, with a target',
  'kustomize.toolkit.fluxcd.io/Kustomization spec.validation': 'gone: Flux always validates with a server-side dry-run',
  'source.toolkit.fluxcd.io/GitRepository spec.gitImplementation': 'gone: Flux only uses go-git',
  'source.toolkit.fluxcd.io/GitRepository spec.accessFrom': 'gone',
  'source.toolkit.fluxcd.io/HelmChart spec.valuesFile': 'use spec.valuesFiles, a list',
  'networking.k8s.io/Ingress spec.backend': 'use spec.defaultBackend',
  'networking.k8s.io/Ingress spec.rules[].http.paths[].backend.serviceName': 'use backend.service.name',
  'networking.k8s.io/Ingress spec.rules[].http.paths[].backend.servicePort': 'use backend.service.port.number or backend.service.port.name',
  'autoscaling/HorizontalPodAutoscaler spec.metrics[].resource.targetAverageUtilization': 'use resource.target with type Utilization and averageUtilization',
  'autoscaling/HorizontalPodAutoscaler spec.metrics[].resource.targetAverageValue': 'use resource.target with type AverageValue and averageValue',
};

/** At most this many fields are listed in one message. */
const MAX_LISTED = 3;

export const deprecatedApi: Rule = {
  id: 'deprecated-api',
  severity: 'error',
  description:
    'An apiVersion that is no longer served (error) or deprecated (warning): removed Kubernetes APIs, beta Flux APIs, external-secrets v1beta1, tofu-controller v1alpha1; --fix rewrites it where only the apiVersion changes.',
  docs: {
    why: 'The API server refuses an object whose apiVersion it no longer serves ("no matches for kind HelmRelease in version helm.toolkit.fluxcd.io/v2beta1"), so the Flux Kustomization fails after a Flux or Kubernetes upgrade; a deprecated one still works but will break with the next upgrade. A CRD in the tree (a pinned gotk-components.yaml) decides what that cluster serves today; without one, the Flux release the cluster pins (a FluxInstance distribution.version, the flux-instance chart, a flux-manifests tag) does, else the current release, and the message says which. --fix rewrites only the apiVersion value, keeping quotes and comments, when the object is valid as the new version, that version is served, and no patch selects the old one; where fields were renamed the message says which. A healthChecks entry is looked up by group and kind, so an old version there is only an info.',
    wrong: 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease',
    right: 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease',
  },
  fixable: true,
  check({ model, options, disk, report }) {
    const ctx = schemaContext(model, options, disk);
    const flagged = ctx
      .written()
      .map((w) => ({ w, status: ctx.status(w.apiVersion, w.kind, w.targets[0]?.cluster) }))
      .filter(({ status }) => status.level === 'not-served' || status.level === 'deprecated');
    healthChecks(ctx, report);
    if (flagged.length === 0) return;
    const pins = pinnedVersions(ctx);
    // kustomize pairs a patch document with its object by apiVersion, kind and name: both move together or not at all.
    const byIdentity = new Map<string, typeof flagged>();
    for (const f of flagged) {
      const key = `${f.w.apiVersion}\0${f.w.kind}\0${f.w.name}`;
      byIdentity.set(key, [...(byIdentity.get(key) ?? []), f]);
    }
    for (const members of byIdentity.values()) {
      const { w: first, status } = members[0];
      const replacement = status.replacement;
      let detail = '';
      let edits: (TextEdit | undefined)[] = [];
      if (replacement) {
        const pin = pinsFor(pins, first.apiVersion, first.kind);
        const problems = pin ? [] : migrationProblems(ctx, members.map((m) => m.w), replacement);
        if (pin) detail = `; --fix leaves it: the patch at ${where(pin.at)} selects version ${splitApiVersion(first.apiVersion)[1]}`;
        else if (problems.length > 0) {
          const more = problems.length > MAX_LISTED ? `, and ${problems.length - MAX_LISTED} more` : '';
          detail = `; ${replacement} ${first.kind} does not accept it as written: ${problems.slice(0, MAX_LISTED).join(', ')}${more}`;
        } else {
          edits = members.map((m) => apiVersionEdit(m.w.doc, m.w.docPath, m.w.apiVersion, replacement));
          // A quoted value with escapes (or one set by a patch) cannot be rewritten in place: then none of them.
          if (edits.some((e) => !e)) edits = [];
        }
      }
      members.forEach((m, i) => {
        const fix = edits[i];
        const severity = m.status.level === 'not-served' ? 'error' : 'warning';
        report({ doc: m.w.doc, path: [...m.w.docPath, 'apiVersion'] }, (m.status.message ?? '') + detail, { severity, ...(fix ? { fix } : {}) });
      });
    }
  },
};

/**
 * A Flux Kustomization's `spec.healthChecks` name objects by apiVersion, but kustomize-controller drops the version:
 * it turns each entry into an object.ObjMetadata, which holds group, kind, namespace and name only
 * (kustomize-controller internal/inventory ReferenceToObjMetadataSet), and the status poller looks the group/kind up
 * at the version the cluster prefers. So a version the cluster no longer serves still finds its object while the
 * cluster serves any version of that kind: only a tidy-up (info, with a fix to the served version). An error only
 * where no version of the kind is served (the check cannot find the object). A reference has no fields to migrate,
 * so the replacement is always a fix.
 */
function healthChecks(ctx: SchemaContext, report: RuleContext['report']): void {
  for (const t of ctx.targets()) {
    if (t.kind !== 'Kustomization' || !t.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') || !isObject(t.value.spec)) continue;
    const checks = t.value.spec.healthChecks;
    if (!Array.isArray(checks)) continue;
    checks.forEach((check, i) => {
      if (!isObject(check) || typeof check.apiVersion !== 'string' || typeof check.kind !== 'string') return;
      const status = ctx.status(check.apiVersion, check.kind, t.cluster);
      if (status.level !== 'not-served' && status.level !== 'deprecated') return;
      const at = objectLocation(t.at, ['spec', 'healthChecks', i, 'apiVersion']);
      const fix = status.replacement ? apiVersionEdit(at.doc, at.path.slice(0, -1), check.apiVersion, status.replacement) : undefined;
      // Another version of the same group and kind that the cluster serves: the lookup by group and kind finds it.
      const found =
        status.replacement !== undefined &&
        splitApiVersion(status.replacement)[0] === splitApiVersion(check.apiVersion)[0] &&
        ctx.status(status.replacement, check.kind, t.cluster).level !== 'not-served';
      const message = found
        ? `spec.healthChecks[${i}] names ${check.apiVersion} ${check.kind}, which ${status.level === 'not-served' ? 'the cluster does not serve' : 'is deprecated'}; the check still works (kustomize-controller looks the object up by group and kind), but write ${status.replacement}`
        : `spec.healthChecks[${i}]: ${status.message ?? ''}`;
      report(at, message, { severity: found ? 'info' : status.level === 'not-served' ? 'error' : 'warning', ...(fix ? { fix } : {}) });
    });
  }
}

/** What the replacement apiVersion rejects in the objects built from these documents (patches are partial: skipped). */
function migrationProblems(ctx: SchemaContext, docs: WrittenDoc[], replacement: string): string[] {
  const out = new Set<string>();
  const [group] = splitApiVersion(replacement);
  for (const w of docs) {
    for (const t of w.targets) {
      const entry = ctx.lookup(replacement, t.kind);
      if (!entry?.served || entry.file === null) {
        out.add(`no schema for ${replacement} ${t.kind}`);
        continue;
      }
      const r = ctx.registry.validate(replacement, t.kind, { ...t.value, apiVersion: replacement }, { substitution: t.substitution });
      for (const issue of r.issues) {
        if (issue.keyword === 'schema' || ctx.substituted(t, issue.path)) continue;
        out.add(describe(issue, group, t.kind));
      }
    }
  }
  return [...out];
}

function describe(issue: SchemaIssue, group: string, kind: string): string {
  if (issue.keyword !== 'additionalProperties' || issue.unknownKey === undefined) return issue.message;
  const path = [...issue.path, issue.unknownKey];
  const field = formatPath(path, kind);
  const pattern = path.map((s) => (typeof s === 'number' ? '[]' : `.${s}`)).join('').slice(1).replace(/\.\[\]/g, '[]');
  const hint = RENAMED[`${group}/${kind} ${pattern}`];
  return hint ? `${field} (${hint})` : `unknown field ${field}`;
}

/** Replaces the apiVersion inside its scalar, keeping quotes and anything around it; undefined when that is not possible. */
function apiVersionEdit(doc: YamlDoc, docPath: NodePath, from: string, to: string): TextEdit | undefined {
  const node = doc.ast.getIn([...docPath, 'apiVersion'], true);
  if (!isScalar(node) || !node.range || node.value !== from) return undefined;
  const [start, end] = node.range;
  const i = doc.file.text.slice(start, end).indexOf(from);
  if (i < 0) return undefined;
  return { start: start + i, end: start + i + from.length, text: to };
}
