import { parseInline as parseYaml } from './yaml-file.js';
import { isObject, type JsonObject } from './patches.js';
import type { NodePath, YamlDoc } from './types.js';

/**
 * Where Flux Operator users write their FluxInstance (https://fluxcd.control-plane.io/operator/fluxinstance/):
 * - a plain `fluxcd.controlplane.io` FluxInstance manifest;
 * - the values of a HelmRelease of the `flux-instance` chart, whose `instance:` key is the FluxInstance spec
 *   (https://github.com/controlplaneio-fluxcd/charts/tree/main/charts/flux-instance): inline `values`, merged over
 *   `valuesFrom` ConfigMaps (Flux merges valuesFrom in order, then `values` on top:
 *   https://fluxcd.io/flux/components/helm/helmreleases/#values-references);
 * - either of those inside a ResourceSet's `spec.resources`, when they use no template action.
 */
export interface FoundInstance {
  spec: JsonObject;
  /** The FluxInstance's namespace (the HelmRelease's release namespace for the chart). */
  namespace: string;
  doc: YamlDoc;
  /** Where the sync path is written in that document (or the valuesFrom that brings it, for a chart's values). */
  pathAt: NodePath;
}

export interface InstanceCandidate {
  value: JsonObject;
  doc: YamlDoc;
  docPath: NodePath;
}

export function isFluxInstance(v: JsonObject): boolean {
  return v.kind === 'FluxInstance' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('fluxcd.controlplane.io/');
}

/** The FluxInstances that a list of built objects defines, in order. */
export function findInstances(objects: readonly InstanceCandidate[]): FoundInstance[] {
  const out: FoundInstance[] = [];
  const visit = (value: JsonObject, doc: YamlDoc, docPath: NodePath, depth: number) => {
    const meta = isObject(value.metadata) ? value.metadata : {};
    const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    if (isFluxInstance(value) && isObject(value.spec)) {
      out.push({ spec: value.spec, namespace: ns ?? 'flux-system', doc, pathAt: [...docPath, 'spec', 'sync', 'path'] });
      return;
    }
    if (value.kind === 'HelmRelease' && isObject(value.spec) && isFluxInstanceChart(value.spec, objects)) {
      const values = releaseValues(value.spec, ns, objects);
      if (isObject(values.instance)) {
        const spec = value.spec;
        const releaseNs = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : typeof spec.releaseNamespace === 'string' ? spec.releaseNamespace : ns;
        const inline = isObject(spec.values) && isObject(spec.values.instance) && isObject(spec.values.instance.sync);
        out.push({
          spec: values.instance,
          namespace: releaseNs ?? 'flux-system',
          doc,
          pathAt: inline ? [...docPath, 'spec', 'values', 'instance', 'sync', 'path'] : [...docPath, 'spec', 'valuesFrom'],
        });
      }
      return;
    }
    // A ResourceSet's resources are objects too; with template actions they need the operator's templating.
    if (depth === 0 && value.kind === 'ResourceSet' && isObject(value.spec) && Array.isArray(value.spec.resources)) {
      value.spec.resources.forEach((r, i) => {
        if (!isObject(r) || JSON.stringify(r).includes('<<')) return;
        const meta2 = isObject(r.metadata) ? r.metadata : {};
        const withNs = meta2.namespace === undefined && ns !== undefined ? { ...r, metadata: { ...meta2, namespace: ns } } : r;
        visit(withNs, doc, [...docPath, 'spec', 'resources', i], depth + 1);
      });
    }
  };
  for (const o of objects) visit(o.value, o.doc, o.docPath, 0);
  return out;
}

/** A HelmRelease of the flux-instance chart: by `chart.spec.chart`, or a chartRef to an OCIRepository of it. */
function isFluxInstanceChart(spec: JsonObject, objects: readonly InstanceCandidate[]): boolean {
  const chart = isObject(spec.chart) && isObject(spec.chart.spec) ? spec.chart.spec : undefined;
  if (chart && typeof chart.chart === 'string') return /(^|\/)flux-instance$/.test(chart.chart);
  if (!isObject(spec.chartRef) || typeof spec.chartRef.name !== 'string') return false;
  const name = spec.chartRef.name;
  if (/(^|-)flux-instance$/.test(name)) return true;
  const repo = objects.find((o) => o.value.kind === 'OCIRepository' && isObject(o.value.metadata) && o.value.metadata.name === name);
  const url = repo && isObject(repo.value.spec) ? repo.value.spec.url : undefined;
  return typeof url === 'string' && /\/flux-instance\/?$/.test(url);
}

/** valuesFrom ConfigMaps found among the objects (Secrets stay unknown), merged in order, then inline values. */
function releaseValues(spec: JsonObject, namespace: string | undefined, objects: readonly InstanceCandidate[]): JsonObject {
  let values: JsonObject = {};
  for (const ref of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
    if (!isObject(ref) || ref.kind !== 'ConfigMap' || typeof ref.name !== 'string') continue;
    const cm = objects.find((o) => {
      const m = isObject(o.value.metadata) ? o.value.metadata : {};
      return o.value.kind === 'ConfigMap' && m.name === ref.name && (m.namespace === undefined || namespace === undefined || m.namespace === namespace);
    });
    const data = cm && isObject(cm.value.data) ? cm.value.data : undefined;
    const text = data?.[typeof ref.valuesKey === 'string' ? ref.valuesKey : 'values.yaml'];
    if (typeof text !== 'string') continue;
    try {
      const parsed = parseYaml(text);
      if (!isObject(parsed)) continue;
      values = typeof ref.targetPath === 'string' ? values : merge(values, parsed);
    } catch {
      continue;
    }
  }
  return isObject(spec.values) ? merge(values, spec.values) : values;
}

function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as JsonObject, v) : v;
  return out;
}

/** A FluxInstance's sync: the source and Kustomization the operator creates (https://fluxcd.control-plane.io/operator/fluxinstance/#sync-configuration). */
export interface InstanceSync {
  kind: string;
  url?: string;
  path: string;
  name?: string;
  interval?: string;
}

export function syncOf(spec: JsonObject): InstanceSync | undefined {
  const sync = spec.sync;
  if (!isObject(sync)) return undefined;
  return {
    kind: typeof sync.kind === 'string' ? sync.kind : 'GitRepository',
    url: typeof sync.url === 'string' ? sync.url : undefined,
    path: typeof sync.path === 'string' ? sync.path : './',
    name: typeof sync.name === 'string' ? sync.name : undefined,
    interval: typeof sync.interval === 'string' ? sync.interval : undefined,
  };
}

/** `spec.kustomize.patches` of a FluxInstance: kustomize patches the operator applies to what it generates, the sync Kustomization included. */
export function instancePatches(spec: JsonObject): { patch: unknown; target?: JsonObject; index: number }[] {
  const k = isObject(spec.kustomize) ? spec.kustomize : {};
  const out: { patch: unknown; target?: JsonObject; index: number }[] = [];
  (Array.isArray(k.patches) ? k.patches : []).forEach((p, index) => {
    if (!isObject(p) || typeof p.patch !== 'string') return;
    try {
      out.push({ patch: parseYaml(p.patch), target: isObject(p.target) ? p.target : undefined, index });
    } catch {
      // A patch that does not parse fails the FluxInstance, not this cluster's build.
    }
  });
  return out;
}
