import { chartName } from '../graph/objects.js';
import { resolveFluxVersion, type ResolvedFluxVersion } from './flux-releases.js';
import { isObject } from '../model/objects.js';
import { locate } from '../model/location.js';
import { type Cluster, type KObject } from '../model/types.js';

/**
 * How a cluster's Flux is installed, as far as the tree tells: the Flux version it pins and whether the Flux
 * Operator manages it. Read from the objects the cluster builds:
 *  - a FluxInstance (`spec.distribution.version`, a semver range; https://fluxcd.control-plane.io/operator/fluxinstance/);
 *  - a HelmRelease of the `flux-instance` chart (its `values.instance.distribution.version`, "2.x" when unset, the
 *    chart's default) or of the `flux-operator` chart (the operator, version unknown);
 *  - an OCIRepository of the `flux-manifests` artifact (`oci://ghcr.io/fluxcd/flux-manifests`, what `flux install
 *    --export` publishes per release) with a `ref.tag` or `ref.semver`.
 * The CRDs of a `flux bootstrap` (gotk-components.yaml) are in the tree and decide by themselves.
 */
export interface FluxInstall {
  /** The Flux Operator manages Flux: it patches the notification CRDs (see operatorPatch). */
  operator: boolean;
  /** The version or range as written, where it was written ("file:line"), and what it resolves to. */
  pin?: { text: string; at: string; what: string; resolved?: ResolvedFluxVersion };
}

/** The default of `instance.distribution.version` in the flux-instance chart's values.yaml. */
const FLUX_INSTANCE_CHART_DEFAULT = '2.x';

/** ${VAR:=default} / ${VAR:-default} left unsubstituted: the default is what Flux substitutes when VAR is unset. */
function withDefaults(text: string): string | undefined {
  const out = text.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^}$]*)\}/g, '$1');
  return out.includes('${') ? undefined : out;
}

function at(o: KObject, path: (string | number)[]): string {
  try {
    return `${o.doc.file.path}:${locate({ doc: o.doc, path: [...o.docPath, ...path] }).line}`;
  } catch {
    return o.doc.file.path;
  }
}

export function fluxInstall(cluster: Cluster): FluxInstall {
  let operator = false;
  const pins: { rank: number; pin: NonNullable<FluxInstall['pin']> }[] = [];
  const pin = (rank: number, text: string, where: string, what: string) => {
    const plain = withDefaults(text);
    pins.push({ rank, pin: { text, at: where, what, ...(plain !== undefined ? { resolved: resolveFluxVersion(plain) } : {}) } });
  };
  for (const o of cluster.objects) {
    const spec = isObject(o.value.spec) ? o.value.spec : undefined;
    if (!spec) continue;
    if (o.kind === 'FluxInstance' && o.apiVersion.startsWith('fluxcd.controlplane.io/')) {
      operator = true;
      const d = isObject(spec.distribution) ? spec.distribution : undefined;
      if (d && typeof d.version === 'string') pin(0, d.version, at(o, ['spec', 'distribution', 'version']), `FluxInstance ${o.name}`);
    } else if (o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
      const chart = chartName(o, cluster);
      if (chart === 'flux-operator') operator = true;
      if (chart !== 'flux-instance') continue;
      operator = true;
      const values = isObject(spec.values) ? spec.values : {};
      const instance = isObject(values.instance) ? values.instance : {};
      const d = isObject(instance.distribution) ? instance.distribution : {};
      if (typeof d.version === 'string') pin(1, d.version, at(o, ['spec', 'values', 'instance', 'distribution', 'version']), `HelmRelease ${o.name} (flux-instance chart)`);
      else if (!Array.isArray(spec.valuesFrom) || spec.valuesFrom.length === 0) pin(1, FLUX_INSTANCE_CHART_DEFAULT, at(o, ['spec']), `HelmRelease ${o.name} (the flux-instance chart's default)`);
    } else if (o.kind === 'OCIRepository' && o.apiVersion.startsWith('source.toolkit.fluxcd.io/')) {
      if (typeof spec.url !== 'string' || !/\/flux-manifests\/?$/.test(spec.url)) continue;
      const ref = isObject(spec.ref) ? spec.ref : {};
      if (typeof ref.tag === 'string') pin(2, ref.tag, at(o, ['spec', 'ref', 'tag']), `OCIRepository ${o.name} (flux-manifests tag)`);
      else if (typeof ref.semver === 'string') pin(2, ref.semver, at(o, ['spec', 'ref', 'semver']), `OCIRepository ${o.name} (flux-manifests semver)`);
    }
  }
  // `flux bootstrap` writes the release into gotk-components.yaml; its CRDs are in the tree and decide for the kinds
  // they define, the release for the others (controllers installed beside it).
  const gotk = cluster.objects.find((o) => /(^|\/)gotk-components\.ya?ml$/.test(o.doc.file.path))?.doc.file;
  const header = gotk?.text.slice(0, 2000).match(/^#\s*Flux Version:\s*(\S+)/m);
  if (gotk && header) pin(3, header[1]!, `${gotk.path}:${gotk.text.slice(0, header.index).split('\n').length}`, 'flux bootstrap (gotk-components.yaml)');
  pins.sort((a, b) => a.rank - b.rank || (a.pin.at < b.pin.at ? -1 : a.pin.at > b.pin.at ? 1 : 0));
  return { operator, ...(pins[0] ? { pin: pins[0].pin } : {}) };
}

/**
 * The Flux Operator patches the notification CRDs it installs so that Alerts and Receivers can name its own kinds
 * (flux-operator internal/builder, notificationPatchTmpl; ../shared/crds/SOURCES.md): Alert
 * `spec.eventSources[].kind` and Receiver `spec.resources[].kind` also accept these.
 */
export const OPERATOR_KINDS = ['FluxInstance', 'ResourceSet', 'ResourceSetInputProvider'] as const;

/** Where the patched enum is in the converted schema of each kind. */
export const OPERATOR_PATCHED: Record<string, readonly string[]> = {
  Alert: ['spec', 'eventSources', 'kind'],
  Receiver: ['spec', 'resources', 'kind'],
};

/** The schema of a notification kind with the operator's kinds added to its enum; undefined when it has no such enum. */
export function operatorPatch(kind: string, schema: Record<string, unknown>): Record<string, unknown> | undefined {
  const path = OPERATOR_PATCHED[kind];
  if (!path) return undefined;
  const copy = structuredClone(schema);
  // properties.spec.properties.<list>.items.properties.kind
  let node: unknown = copy;
  for (const [i, seg] of path.entries()) {
    node = isObject(node) && isObject(node.properties) ? node.properties[seg] : undefined;
    if (i === 1) node = isObject(node) ? node.items : undefined;
  }
  if (!isObject(node) || !Array.isArray(node.enum)) return undefined;
  for (const k of OPERATOR_KINDS) if (!node.enum.includes(k)) node.enum.push(k);
  return copy;
}
