import type { Diagnostic } from '../model/diagnostic.js';
import { varUses } from '../load/index.js';
import { clusterWaves } from '../graph/waves.js';
import type { ClusterDiff, Counts, DiffNode, DiffResult, FileChange, HelmReleaseChange, KustomizationDiff, Leaf, ObjectDiff, Pair, Status } from '../model/diff.js';
import { matchFindings } from './findings.js';
import { diffGraph } from './graph.js';
import type { Comparison } from './run.js';
import { deepEqual, diffValues, flatten, secretFields, subDiff } from './values.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { type Cluster, type FluxKustomization, type KObject } from '../model/types.js';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The comparison as a DiffResult: cluster by cluster, Kustomization by Kustomization, object by object. */
export function diffResult(c: Comparison): DiffResult {
  const dirs = [...new Set([...c.head.parts.keys(), ...c.base.parts.keys()])].sort(cmp);
  const clusters: ClusterDiff[] = [];
  for (const dir of dirs) {
    const inHead = c.head.parts.get(dir);
    const inBase = c.base.parts.get(dir);
    const h = c.head.clusters.get(dir);
    const b = c.base.clusters.get(dir);
    if (inHead && inBase && (!c.reached.has(dir) || (!h && !b))) {
      const part = (inHead ?? inBase)!;
      clusters.push({ cluster: dir, status: 'unchanged', kustomizationCount: part.fluxKustomizations, objectCount: part.objects, kustomizations: [], unchangedKustomizations: part.fluxKustomizations });
      continue;
    }
    const status = inBase ? (inHead ? 'changed' : 'removed') : 'added';
    if (status !== 'changed' && !h && !b) {
      // Without a model (--new-only keeps none): counted, not detailed.
      const part = (inHead ?? inBase)!;
      clusters.push({ cluster: dir, status, kustomizationCount: part.fluxKustomizations, objectCount: part.objects, kustomizations: [], unchangedKustomizations: 0 });
      continue;
    }
    clusters.push(diffCluster(dir, b, h, status));
  }
  const findings = matchFindings(c.base.run.diagnostics, c.base.files, c.head.run.diagnostics, c.head.files);
  const count = (status: Status, list: { status: Status }[]) => list.filter((x) => x.status === status).length;
  const counts = (list: { status: Status }[], unchanged: number): Counts => ({ added: count('added', list), removed: count('removed', list), changed: count('changed', list), unchanged });
  const ks = clusters.flatMap((x) => x.kustomizations);
  return {
    base: c.label,
    files: fileChanges(c.changed),
    summary: {
      clusters: counts(clusters, count('unchanged', clusters)),
      kustomizations: counts(ks, clusters.reduce((n, x) => n + x.unchangedKustomizations, 0)),
      objects: {
        added: ks.reduce((n, k) => n + k.added.length, 0),
        removed: ks.reduce((n, k) => n + k.removed.length, 0),
        changed: ks.reduce((n, k) => n + k.changed.length, 0),
      },
      findings: { introduced: findings.introduced.length, resolved: findings.resolved.length },
    },
    clusters,
    findings: { introduced: findings.introduced, resolved: findings.resolved },
  };
}

/** A removed and an added path with the same content, paired in path order: a rename. */
function fileChanges(changed: Comparison['changed']): FileChange[] {
  const out: FileChange[] = changed.map((x) => ({ path: x.path, status: x.status }));
  const removed = new Map<string, FileChange[]>();
  for (const x of changed) {
    if (x.status !== 'removed' || !x.oid) continue;
    const list = removed.get(x.oid) ?? [];
    list.push(out[changed.indexOf(x)]);
    removed.set(x.oid, list);
  }
  const gone = new Set<FileChange>();
  changed.forEach((x, i) => {
    if (x.status !== 'added' || !x.oid) return;
    const from = removed.get(x.oid)?.shift();
    if (!from) return;
    gone.add(from);
    out[i] = { path: x.path, status: 'renamed', from: from.path };
  });
  return out.filter((f) => !gone.has(f));
}

function diffCluster(dir: string, base: Cluster | undefined, head: Cluster | undefined, status: Status): ClusterDiff {
  const bk = base?.kustomizations ?? new Map<string, FluxKustomization>();
  const hk = head?.kustomizations ?? new Map<string, FluxKustomization>();
  const keys = [...new Set([...bk.keys(), ...hk.keys()])].sort(cmp);
  const baseObjects = index(base);
  const headObjects = index(head);
  const kustomizations: KustomizationDiff[] = [];
  let unchanged = 0;
  for (const key of keys) {
    const d = diffKustomization(key, bk.get(key), hk.get(key), { base: baseObjects, head: headObjects });
    if (d) kustomizations.push(d);
    else unchanged++;
  }
  // Waves come from the Flux Kustomizations' dependsOn alone (src/graph/waves.ts): when none of them came, went or
  // changed, the graph is the same (and building it is the costly part of a large cluster's diff).
  const fluxChanged =
    [...bk.keys()].some((k) => !hk.has(k)) ||
    [...hk.keys()].some((k) => !bk.has(k)) ||
    kustomizations.some((k) => [...k.added, ...k.removed, ...k.changed].some((o) => o.kind === 'Kustomization' && splitApiVersion(o.apiVersion)[0] === 'kustomize.toolkit.fluxcd.io'));
  const graph = fluxChanged ? diffGraph(base && clusterWaves(base), head && clusterWaves(head)) : undefined;
  const shown = head ?? base;
  return {
    cluster: dir,
    status: status === 'changed' && kustomizations.length === 0 && !graph ? 'unchanged' : status,
    kustomizationCount: shown?.kustomizations.size ?? 0,
    objectCount: shown?.objects.length ?? 0,
    kustomizations,
    unchangedKustomizations: unchanged,
    ...(graph ? { graph } : {}),
  };
}

type ObjectIndex = Map<string, KObject>;

/** The objects of a cluster by `Kind namespace/name` (the first of each), for references between them. */
function index(cluster: Cluster | undefined): ObjectIndex {
  const out: ObjectIndex = new Map();
  for (const o of cluster?.objects ?? []) {
    const k = `${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
    if (!out.has(k)) out.set(k, o);
  }
  return out;
}

/** How an object is told apart within one build: API group, kind, namespace, name (the version may change). */
function objectKey(o: KObject): string {
  return `${splitApiVersion(o.apiVersion)[0]}\0${o.kind}\0${o.namespace ?? ''}\0${o.name}`;
}

function keyed(objects: readonly KObject[]): Map<string, KObject> {
  const out = new Map<string, KObject>();
  for (const o of objects) {
    let k = objectKey(o);
    // The same object twice in one build (duplicate-resource reports it): each copy compared with its namesake.
    for (let n = 2; out.has(k); n++) k = `${objectKey(o)}\0${n}`;
    out.set(k, o);
  }
  return out;
}

function diffKustomization(key: string, base: FluxKustomization | undefined, head: FluxKustomization | undefined, objects: { base: ObjectIndex; head: ObjectIndex }): KustomizationDiff | undefined {
  const b = keyed(base?.objects ?? []);
  const h = keyed(head?.objects ?? []);
  const added: ObjectDiff[] = [];
  const removed: ObjectDiff[] = [];
  const changed: ObjectDiff[] = [];
  const secretVars = { base: secretVarSources(base, objects.base), head: secretVarSources(head, objects.head) };
  for (const [k, o] of h) {
    const was = b.get(k);
    if (!was) {
      added.push(objectDiff(o, undefined, undefined, helmChange(undefined, o, objects)));
      continue;
    }
    let node = diffValues(was.value, o.value, secretFields(o.kind, o.apiVersion));
    node = withSecretSubstitutions(node, o.value, secretVars.base, secretVars.head);
    const helm = helmChange(was, o, objects, node);
    if (node || helm) changed.push(objectDiff(o, node, was.apiVersion !== o.apiVersion ? was.apiVersion : undefined, helm));
  }
  for (const [k, o] of b) if (!h.has(k)) removed.push(objectDiff(o, undefined, undefined, helmChange(o, undefined, objects)));
  const path = { before: base?.path, after: head?.path };
  if (base && head && added.length + removed.length + changed.length === 0 && path.before === path.after) return undefined;
  const byId = (x: ObjectDiff, y: ObjectDiff) => cmp(x.kind, y.kind) || cmp(x.namespace ?? '', y.namespace ?? '') || cmp(x.name, y.name);
  return {
    key,
    status: !base ? 'added' : !head ? 'removed' : 'changed',
    path: {
      ...(path.before !== undefined ? { before: path.before } : {}),
      ...(path.after !== undefined ? { after: path.after } : {}),
    },
    added: added.sort(byId),
    removed: removed.sort(byId),
    changed: changed.sort(byId),
  };
}

function objectDiff(o: KObject, node: DiffNode | undefined, apiVersionBefore: string | undefined, helm: HelmReleaseChange | undefined): ObjectDiff {
  return {
    apiVersion: o.apiVersion,
    ...(apiVersionBefore ? { apiVersionBefore } : {}),
    kind: o.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    file: o.doc.file.path,
    changes: flatten(node),
    ...(helm ? { helmRelease: helm } : {}),
    ...(node ? { node } : {}),
  };
}

// HelmReleases: https://fluxcd.io/flux/components/helm/helmreleases/ (spec.chart.spec, or spec.chartRef to an
// OCIRepository or HelmChart, whose own spec then says which version).
const isHelmRelease = (o: KObject | undefined) => o !== undefined && o.kind === 'HelmRelease' && splitApiVersion(o.apiVersion)[0] === 'helm.toolkit.fluxcd.io';

interface HelmFacts {
  chart?: string;
  version?: string;
  source?: string;
}

function helmFacts(o: KObject, objects: ObjectIndex): HelmFacts {
  const spec = isObject(o.value.spec) ? o.value.spec : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const chartSpec = isObject(spec.chart) && isObject(spec.chart.spec) ? spec.chart.spec : undefined;
  if (chartSpec) {
    const ref = isObject(chartSpec.sourceRef) ? chartSpec.sourceRef : {};
    const ns = str(ref.namespace) ?? o.namespace;
    return { chart: str(chartSpec.chart), version: str(chartSpec.version) ?? '*', source: ref.kind ? `${str(ref.kind)} ${ns ? `${ns}/` : ''}${str(ref.name)}` : undefined };
  }
  if (isObject(spec.chartRef)) {
    const kind = str(spec.chartRef.kind) ?? '';
    const name = str(spec.chartRef.name) ?? '';
    const ns = str(spec.chartRef.namespace) ?? o.namespace;
    const src = objects.get(`${kind}\0${ns ?? ''}\0${name}`);
    const sspec = src && isObject(src.value.spec) ? src.value.spec : {};
    const ref = isObject(sspec.ref) ? sspec.ref : {};
    const version = kind === 'OCIRepository' ? (str(ref.tag) ?? str(ref.semver) ?? str(ref.digest) ?? (src ? 'latest' : undefined)) : str(sspec.version);
    const chart = kind === 'OCIRepository' ? str(sspec.url) : str(sspec.chart);
    return { chart, version, source: `${kind} ${ns ? `${ns}/` : ''}${name}` };
  }
  return {};
}

function helmChange(base: KObject | undefined, head: KObject | undefined, objects: { base: ObjectIndex; head: ObjectIndex }, node?: DiffNode): HelmReleaseChange | undefined {
  if (!isHelmRelease(base) && !isHelmRelease(head)) return undefined;
  const b = base ? helmFacts(base, objects.base) : {};
  const h = head ? helmFacts(head, objects.head) : {};
  const values = base && head ? flatten(subDiff(node, ['spec', 'values'])) : [];
  const valuesFrom = Boolean(base && head && subDiff(node, ['spec', 'valuesFrom']));
  if (base && head && b.chart === h.chart && b.version === h.version && b.source === h.source && values.length === 0 && !valuesFrom) return undefined;
  const pair = (x: string | undefined, y: string | undefined): Pair<string> => ({ ...(x !== undefined ? { before: x } : {}), ...(y !== undefined ? { after: y } : {}) });
  return { chart: pair(b.chart, h.chart), version: pair(b.version, h.version), source: pair(b.source, h.source), values, valuesFrom };
}

/**
 * Post-build substitution from Secrets: the model keeps `${KEY}` as written where a Secret's value is substituted
 * (src/load/substitute.ts), the same before and after. A variable whose Secret value changed changes what Flux applies:
 * each field using it is shown changed, as a secret. For each variable, the Secret it is taken from (the last
 * `substituteFrom` source defining it, https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution)
 * and a fingerprint of the value there (compared, never shown).
 */
function secretVarSources(fk: FluxKustomization | undefined, objects: ObjectIndex): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const spec = fk?.spec ?? (fk?.object && isObject(fk.object.value.spec) ? fk.object.value.spec : undefined);
  const postBuild = spec && isObject(spec.postBuild) ? spec.postBuild : undefined;
  if (!fk || !postBuild || !Array.isArray(postBuild.substituteFrom)) return out;
  const namespace = fk.object?.namespace ?? fk.key.slice(0, fk.key.indexOf('/'));
  for (const entry of postBuild.substituteFrom) {
    if (!isObject(entry) || typeof entry.name !== 'string') continue;
    const kind = String(entry.kind ?? '');
    const src = objects.get(`${kind}\0${namespace}\0${entry.name}`);
    if (!src) continue;
    for (const field of ['data', 'stringData', 'binaryData']) {
      const d = src.value[field];
      if (!isObject(d)) continue;
      for (const k of Object.keys(d)) {
        if (kind === 'Secret') out.set(k, { secret: `${namespace}/${entry.name}`, field, value: d[k] });
        else out.delete(k);
      }
    }
  }
  return out;
}

function withSecretSubstitutions(node: DiffNode | undefined, value: unknown, base: Map<string, unknown>, head: Map<string, unknown>): DiffNode | undefined {
  const changedVars = [...head.keys()].filter((k) => base.has(k) && !deepEqual(base.get(k), head.get(k)));
  if (changedVars.length === 0) return node;
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, at: Array<string | number>) => {
    if (typeof v === 'string') {
      // A variable whose value is a Secret's is left as written in the model (src/load/substitute.ts).
      if (v.includes('${') && varUses(v).some((u) => changedVars.includes(u.name))) paths.push(at);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], [...at, k]);
  };
  walk(value, []);
  let out = node;
  for (const p of paths) out = insertLeaf(out, p, { type: 'leaf', change: 'changed', secret: true });
  return out;
}

/** Puts a leaf at a path of a diff tree, making the maps and lists on the way; a path already changed stays. */
function insertLeaf(node: DiffNode | undefined, path: ReadonlyArray<string | number>, leaf: Leaf): DiffNode {
  if (path.length === 0) return node ?? leaf;
  if (node?.type === 'leaf') return node;
  const [seg, ...rest] = path;
  if (typeof seg === 'number') {
    const seq = node?.type === 'seq' ? node : { type: 'seq' as const, items: [] };
    const at = seq.items.findIndex((it) => it.index === seg);
    if (at >= 0) seq.items[at] = { ...seq.items[at], node: insertLeaf(seq.items[at].node, rest, leaf) };
    else seq.items.push({ index: seg, node: insertLeaf(undefined, rest, leaf) });
    seq.items.sort((x, y) => x.index - y.index);
    return seq;
  }
  const map = node?.type === 'map' ? node : { type: 'map' as const, entries: [] };
  const at = map.entries.findIndex((e) => e.key === seg);
  if (at >= 0) map.entries[at] = { key: seg, node: insertLeaf(map.entries[at].node, rest, leaf) };
  else map.entries.push({ key: seg, node: insertLeaf(undefined, rest, leaf) });
  return map;
}
