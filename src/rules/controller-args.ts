import { isObject, splitApiVersion } from '../model/objects.js';
import { objectLocation } from '../model/location.js';
import type { Cluster, KObject, Location } from '../model/types.js';

/**
 * The controllers' Deployments as the cluster builds them (the bootstrap's gotk-components.yaml with the
 * flux-system kustomization's patches, a chart's manifests in the tree): where their command-line flags decide what
 * a controller accepts (cross-namespace references, feature gates).
 */
export interface DeploymentInfo {
  obj: KObject;
  containers: Record<string, unknown>[];
}

export function deployments(cluster: Cluster): DeploymentInfo[] {
  const out: DeploymentInfo[] = [];
  for (const o of cluster.objects) {
    if (o.kind !== 'Deployment' || splitApiVersion(o.apiVersion)[0] !== 'apps') continue;
    out.push({ obj: o, containers: podContainers(o).filter(isObject) });
  }
  return out;
}

/** A `--name` or `--name=value` argument of one of a Deployment's containers, where it is written. */
export interface ContainerArg {
  name: string;
  /** Undefined for a bare `--name`. */
  value: string | undefined;
  at: Location;
}

/** Every flag argument of a Deployment's containers, in order (for pflag the last one of a name wins). */
export function containerArgs(d: DeploymentInfo): ContainerArg[] {
  const out: ContainerArg[] = [];
  podContainers(d.obj).forEach((c, ci) => {
    if (!isObject(c) || !Array.isArray(c.args)) return;
    c.args.forEach((a, ai) => {
      if (typeof a !== 'string') return;
      const m = a.match(/^--?([a-z-]+)(?:=(.*))?$/);
      if (m) out.push({ name: m[1], value: m[2], at: objectLocation(d.obj, ['spec', 'template', 'spec', 'containers', ci, 'args', ai]) });
    });
  });
  return out;
}

function podContainers(o: KObject): unknown[] {
  const spec = isObject(o.value.spec) ? o.value.spec : {};
  const pod = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  return Array.isArray(pod.containers) ? pod.containers : [];
}
