import { chartName } from '../graph/objects.js';
import { clusterReferences, describeTarget, effectiveNamespace, type Reference, type ReferenceController } from '../graph/references.js';
import type { Rule } from './types.js';
import { containerArgs, deployments, type DeploymentInfo } from './controller-args.js';
import { findInstances, instancePatches } from '../load/flux-instance.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { locate, objectLocation } from '../model/location.js';
import { type Cluster, type Location } from '../model/types.js';

/** What the tree says about a controller's cross-namespace setting. */
type Stance =
  /** The controller refuses cross-namespace references: an error. */
  | { kind: 'refuse'; why: string }
  /** The tree explicitly allows them: no finding. */
  | { kind: 'allow' }
  /** The controller's default acceptance, or nothing known: the configured policy decides. */
  | { kind: 'default' };

/** Fields whose target may be in another namespace (valuesFrom, substituteFrom and varsFrom have no namespace). */
const CROSSABLE = new Set(['dependsOn', 'sourceRef', 'chartRef']);

export const crossNamespaceRef: Rule = {
  id: 'cross-namespace-ref',
  severity: 'error',
  strict: "the cross-namespace references the controllers accept, as warnings (the config's crossNamespace: warn does the same under recommended)",
  description:
    "A sourceRef, chartRef or dependsOn names an object in another namespace where the controller refuses it: tofu-controller without allowCrossNamespaceRefs, Flux's --no-cross-namespace-refs lockdown.",
  docs: {
    why: "tofu-controller refuses cross-namespace Terraform references unless it runs with allowCrossNamespaceRefs; Flux refuses cross-namespace sourceRef/chartRef when its controllers run with --no-cross-namespace-refs=true (multi-tenancy lockdown: read from the controllers' Deployments in the tree, or, for a Flux Operator install, from the FluxInstance's cluster.multitenant: true and kustomize.patches). A refused reference leaves the object not Ready. Where the controller accepts the reference nothing breaks: a HelmRelease whose HelmRepository is in flux-system, a Kustomization reading flux-system/flux-system and dependsOn across namespaces are the layout `flux bootstrap` creates and Flux documents, so they are not reported unless the config says crossNamespace: warn (or deny: errors), or the run uses --preset strict (warn). No finding where the tree explicitly allows them (allowCrossNamespaceRefs: true, --no-cross-namespace-refs=false).",
    wrong: '# kustomize-controller runs with --no-cross-namespace-refs=true\nmetadata:\n  namespace: apps\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system',
    right: '# a GitRepository in the tenant\'s own namespace\nmetadata:\n  namespace: apps\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: apps',
  },
  check({ model, report, options }) {
    // Accepted references are the bootstrap layout: reported only when asked (config crossNamespace, or strict).
    const policy = options.crossNamespacePolicy ?? (options.preset === 'strict' ? 'warn' : 'allow');
    for (const cluster of model.clusters) {
      const stances = new Map<string, Stance>();
      const stanceOf = (ref: Reference): Stance => {
        const key = `${ref.controller} ${ref.field === 'dependsOn' && ref.controller !== 'tofu-controller' ? 'dependsOn' : 'source'}`;
        let s = stances.get(key);
        if (!s) {
          s = ref.controller === 'tofu-controller' ? tofuStance(cluster) : fluxStance(cluster, ref.controller, ref.field === 'dependsOn');
          stances.set(key, s);
        }
        return s;
      };
      for (const ref of clusterReferences(cluster)) {
        if (!CROSSABLE.has(ref.field) || ref.namespace === undefined) continue;
        const own = effectiveNamespace(ref.from);
        if (own === undefined || ref.namespace === own) continue;
        const what = `${ref.from.kind} ${ref.label} ${describeTarget(ref)} is in namespace '${ref.namespace}', not '${own}'`;
        const at = objectLocation(ref.from, ref.namespacePath);
        const stance = stanceOf(ref);
        if (stance.kind === 'allow') continue;
        if (stance.kind === 'refuse') {
          report(at, `${what}: ${stance.why}`, { severity: 'error' });
          continue;
        }
        if (policy === 'allow') continue;
        const why = options.crossNamespacePolicy ? `crossNamespace: ${policy}` : 'the strict preset; crossNamespace: allow silences it';
        const message =
          policy === 'deny'
            ? `${what}; the config forbids references across namespaces, though ${ref.controller} would accept it (${why})`
            : `${what}; ${ref.controller} accepts it, but it ties this object to another namespace (${why})`;
        report(at, message, {
          severity: policy === 'deny' ? 'error' : 'warning',
        });
      }
    }
  },
};

/**
 * tofu-controller refuses cross-namespace sourceRef and dependsOn unless started with --allow-cross-namespace-refs,
 * which its Helm chart sets from `allowCrossNamespaceRefs`.
 * https://flux-iac.github.io/tofu-controller/use-tf-controller/use-cross-namespace-refs
 */
function tofuStance(cluster: Cluster): Stance {
  for (const o of cluster.objects) {
    const [group] = splitApiVersion(o.apiVersion);
    if (group !== 'helm.toolkit.fluxcd.io' || o.kind !== 'HelmRelease') continue;
    const chart = chartName(o, cluster);
    if (chart !== 'tofu-controller' && chart !== 'tf-controller') continue;
    const spec = isObject(o.value.spec) ? o.value.spec : {};
    const values = isObject(spec.values) ? spec.values : {};
    if (values.allowCrossNamespaceRefs === true) return { kind: 'allow' };
    // Values from a ConfigMap or Secret may set it: unknown, not refused.
    if (Array.isArray(spec.valuesFrom) && spec.valuesFrom.length > 0 && values.allowCrossNamespaceRefs === undefined) return { kind: 'default' };
    const at = objectLocation(o, values.allowCrossNamespaceRefs === undefined ? ['spec', 'values'] : ['spec', 'values', 'allowCrossNamespaceRefs']);
    return {
      kind: 'refuse',
      why: `tofu-controller refuses cross-namespace references unless its HelmRelease sets values.allowCrossNamespaceRefs: true (HelmRelease '${o.namespace ?? 'default'}/${o.name}', ${place(at)})`,
    };
  }
  for (const d of deployments(cluster)) {
    if (!d.containers.some((c) => /(^|\/)(tf|tofu)-controller(:|@|$)/.test(String(c.image ?? '')))) continue;
    const flag = lastFlag(d, 'allow-cross-namespace-refs');
    if (flag?.value === true) return { kind: 'allow' };
    return {
      kind: 'refuse',
      why: `tofu-controller refuses cross-namespace references unless it runs with --allow-cross-namespace-refs (Deployment '${d.obj.namespace ?? 'default'}/${d.obj.name}', ${place(flag?.at ?? objectLocation(d.obj, ['spec', 'template', 'spec', 'containers']))})`,
    };
  }
  return { kind: 'default' };
}

/**
 * Flux's multi-tenancy lockdown: with --no-cross-namespace-refs=true, kustomize-controller and helm-controller refuse
 * a sourceRef/chartRef in another namespace. dependsOn is not subject to it.
 * https://fluxcd.io/flux/installation/configuration/multitenancy/
 */
function fluxStance(cluster: Cluster, controller: ReferenceController, dependsOn: boolean): Stance {
  const d = deployments(cluster).find((x) => x.obj.name === controller);
  const flag = d && lastFlag(d, 'no-cross-namespace-refs');
  // Installed by the Flux Operator, the Deployments are not in the tree: its FluxInstance says how they run.
  const lockdown = flag ? { value: flag.value, why: `${controller} runs with --no-cross-namespace-refs=true (${place(flag.at)})` } : instanceLockdown(cluster, controller);
  if (!lockdown) return { kind: 'default' };
  if (lockdown.value === false) return { kind: 'allow' };
  if (dependsOn) return { kind: 'default' };
  return { kind: 'refuse', why: `${lockdown.why} and refuses cross-namespace references` };
}

/**
 * The --no-cross-namespace-refs a FluxInstance gives `controller`: `spec.cluster.multitenant: true` adds
 * `--no-cross-namespace-refs=true` to kustomize-, helm-, notification- and the image controllers (the operator's
 * multitenant profile, controlplaneio-fluxcd/flux-operator internal/builder/profiles.go), then its
 * `kustomize.patches` apply in order, so a later `--no-cross-namespace-refs=false` on the controller wins (the last
 * flag wins, as with pflag). Also for a FluxInstance written as the flux-instance chart's values. Undefined when no
 * FluxInstance of the cluster says.
 */
function instanceLockdown(cluster: Cluster, controller: string): { value: boolean; why: string } | undefined {
  let found: { value: boolean; why: string } | undefined;
  for (const instance of findInstances(cluster.objects)) {
    // The spec as written: a FluxInstance's spec, or the chart's values.instance (its valuesFrom when not inline).
    const sync = instance.pathAt.lastIndexOf('sync');
    const spec = sync >= 0 ? instance.pathAt.slice(0, sync) : instance.pathAt;
    const at = (...path: (string | number)[]): string => place({ doc: instance.doc, path: [...spec, ...path] });
    const settings = isObject(instance.spec.cluster) ? instance.spec.cluster : {};
    if (settings.multitenant === true && MULTITENANT_LOCKED.test(controller)) {
      found = { value: true, why: `${controller} runs with --no-cross-namespace-refs=true (its FluxInstance sets cluster.multitenant: true, ${at('cluster', 'multitenant')})` };
    }
    for (const { patch, target, index } of instancePatches(instance.spec)) {
      if (target && ((target.kind !== undefined && target.kind !== 'Deployment') || (typeof target.name === 'string' && !matchesName(target.name, controller)))) continue;
      for (const m of JSON.stringify(patch).matchAll(/--no-cross-namespace-refs(?:=(\w+))?/g)) {
        const value = m[1] === undefined || m[1].toLowerCase() === 'true' || m[1] === '1';
        found = { value, why: `${controller} runs with --no-cross-namespace-refs=true (its FluxInstance's kustomize.patches add it, ${at('kustomize', 'patches', index)})` };
      }
    }
  }
  return found;
}

/** The controllers the Flux Operator's multitenant profile locks down. */
const MULTITENANT_LOCKED = /^(kustomize-controller|helm-controller|notification-controller|image-reflector-controller|image-automation-controller)$/;

/** A kustomize patch target's name, which is a regular expression matched against the whole name. */
function matchesName(pattern: string, name: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return pattern === name;
  }
}

/** The last `--name`, `--name=true|false` in any container's args (the last one wins, as with pflag). */
function lastFlag(d: DeploymentInfo, name: string): { value: boolean; at: Location } | undefined {
  const arg = containerArgs(d).filter((a) => a.name === name).at(-1);
  if (!arg) return undefined;
  return { value: arg.value === undefined || arg.value.toLowerCase() === 'true' || arg.value === '1', at: arg.at };
}

function place(at: Location): string {
  return `${at.doc.file.path}:${locate(at).line}`;
}
