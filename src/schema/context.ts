import { substitutionDisabled } from '../load/substitute.js';
import { runtimeVariables } from '../graph/runtime-variables.js';
import { FLUX_GROUPS, FLUX_RELEASES, removedIn, servedBy, type FluxRelease } from './flux-releases.js';
import { SchemaRegistry, compareVersions, indexKey, type IndexEntry, type ValidationResult, type ValidationResultStore } from './registry.js';
import type { SchemaIssue } from './messages.js';
import type { ValidatorFiles } from './validator-cache.js';
import { fluxInstall, operatorPatch, OPERATOR_PATCHED, type FluxInstall } from './flux-install.js';
import { isObject, splitApiVersion } from '../model/objects.js';
import { locate, objectLocation } from '../model/location.js';
import { type Cluster, type KObject, type Location, type NodePath, type RepoModel, type YamlDoc } from '../model/types.js';
import type { Disk } from '../load/disk.js';

/** The schema context's caches: compiled validators in `validators`, validation results in `results`. */
export interface SchemaCache {
  /** Validators compiled at run time and V8's code cache of them (src/schema/validator-cache.ts). */
  validators?: ValidatorFiles;
  /** Validation results kept between runs, shared by the run's clusters (src/cache/validations.ts). */
  results?: ValidationResultStore;
}

/**
 * What the four schema rules (schema, schema-unknown-field, schema-missing, deprecated-api) share: one
 * SchemaRegistry per lint run (per model), the CustomResourceDefinitions of the tree, the documents to validate,
 * and each validation, computed once whichever rule asks first.
 */

/** Something lint-gitops validates: an object a build produces, or a kustomization file. */
export interface SchemaTarget {
  /** Where it was written, with patch provenance (objectLocation follows it to the patch that set a value). */
  at: { doc: YamlDoc; docPath: NodePath; provenance?: Map<string, Location> };
  /** The effective value (after patches and post-build substitution). */
  value: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  /** Flux post-build substitution applies: issues on values written as ${VAR} are not schema errors. */
  substitution: boolean;
  /** Set when the value is plain JSON data (ValidateOptions.plain), learnt in the walk targets() makes anyway. */
  plain?: { copy: boolean };
  /** The cluster that builds it; undefined for kustomization files. */
  cluster?: Cluster;
}

/** A document as written: what deprecated-api looks at (the apiVersion line is what --fix rewrites). */
export interface WrittenDoc {
  doc: YamlDoc;
  docPath: NodePath;
  apiVersion: string;
  kind: string;
  name: string;
  /** A strategic-merge patch document (kustomize matches it to its object by apiVersion, kind and name). */
  patch: boolean;
  /** The objects built from it (none for patches). */
  targets: SchemaTarget[];
}

export interface ApiStatus {
  level: 'ok' | 'unknown' | 'not-served' | 'deprecated';
  /** For not-served and deprecated: the sentence deprecated-api reports. */
  message?: string;
  /** The apiVersion to move to, when there is one. */
  replacement?: string;
}

interface CrdVersion {
  served: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  source: string;
}

interface CrdRecord {
  group: string;
  kind: string;
  value: unknown;
  /** Repo-relative file (or, for --crds outside the repo, relative to the working directory). */
  source: string;
  /** Directories of the clusters that apply it; 'all' for CRDs installed outside git (--crds, crdDirectories, kustomize crds:). */
  clusters: Set<string> | 'all';
  versions: Map<string, CrdVersion>;
}

const CRD_GROUP = 'apiextensions.k8s.io/';

/**
 * Validation results kept between runs (src/cache/validations.ts) are used for models of up to this many objects
 * and kustomization files. A lookup (the object's JSON and its hash, 8-10 µs) costs about what validating a typical
 * object does, so what the cache saves is loading validators (5-30 ms a kind; about 70 ms of the fixture's 0.3-0.4 s
 * warm run). In a cluster of thousands of objects that load is a small share of the run, while keeping every
 * result cost the cold 1,000-app bench fleet (about 2,050 objects per cluster) 3-7% more CPU.
 */
export const MAX_OBJECTS_WITH_KEPT_RESULTS = 1000;

class SchemaContext {
  /** Bundled schemas plus the tree's CRDs (added lazily, per group/kind, when an object of that kind is checked). */
  readonly registry: SchemaRegistry;
  /** The bundled schemas alone: what current releases of Kubernetes, Flux and the shipped controllers serve. */
  readonly shipped: SchemaRegistry;
  private readonly crds = new Map<string, CrdRecord[]>();
  private readonly registered = new Set<string>();
  private readonly statuses = new Map<string, ApiStatus>();
  private readonly validations = new Map<SchemaTarget, ValidationResult>();
  private readonly installs = new Map<Cluster, FluxInstall>();
  private targetList?: SchemaTarget[];
  private writtenList?: WrittenDoc[];

  constructor(
    readonly model: RepoModel,
    cache: SchemaCache = {},
    disk?: Disk,
  ) {
    let objects = model.kustomizeDirs.size;
    for (const c of model.clusters) objects += c.objects.length;
    const results = objects <= MAX_OBJECTS_WITH_KEPT_RESULTS ? cache.results : undefined;
    const schemaLocations = model.schemaLocations ?? [];
    this.registry = SchemaRegistry.bundled(undefined, { validators: cache.validators, results, schemaLocations, disk });
    this.shipped = SchemaRegistry.bundled(undefined, { validators: cache.validators, schemaLocations, disk });
    this.collectCrds();
  }

  /** How a cluster's Flux is installed (its pinned version, the Flux Operator), as far as the tree tells. */
  install(cluster: Cluster): FluxInstall {
    let i = this.installs.get(cluster);
    if (!i) {
      i = fluxInstall(cluster);
      this.installs.set(cluster, i);
    }
    return i;
  }

  /** The index entry of an apiVersion/kind, with the tree's CRDs of that group/kind registered first. */
  lookup(apiVersion: string, kind: string): IndexEntry | undefined {
    this.ensure(splitApiVersion(apiVersion)[0], kind);
    return this.registry.lookup(apiVersion, kind);
  }

  validate(t: SchemaTarget): ValidationResult {
    let r = this.validations.get(t);
    if (!r) {
      this.ensure(splitApiVersion(t.apiVersion)[0], t.kind);
      r = this.registry.validate(t.apiVersion, t.kind, t.value, { substitution: t.substitution, plain: t.plain });
      this.validations.set(t, r);
    }
    return r;
  }

  /**
   * The schema issues of every target whose apiVersion has a schema and is served; the others are what
   * schema-missing and deprecated-api report. Shared by the schema and schema-unknown-field rules.
   */
  *servedIssues(): Generator<{ t: SchemaTarget; issue: SchemaIssue }> {
    for (const t of this.targets()) {
      const status = this.status(t.apiVersion, t.kind, t.cluster).level;
      if (status === 'unknown' || status === 'not-served') continue;
      for (const issue of this.validate(t).issues) yield { t, issue };
    }
  }

  /** Whether a target is validated against a schema of the CRDs catalog or of a --schema-location folder. */
  fromCatalog(t: SchemaTarget): boolean {
    return this.validate(t).entry?.catalog !== undefined;
  }

  /**
   * For findings against a schema of the CRDs catalog or a --schema-location folder, where it came from (a newer
   * release of that controller may differ): "; schema: cert-manager.io/v1 Certificate from the CRDs catalog (...)".
   */
  schemaNote(t: SchemaTarget): string {
    const e = this.validate(t).entry;
    return e?.catalog !== undefined ? `; schema: ${t.apiVersion} ${t.kind} from ${e.catalog}` : '';
  }

  /** True when the value at `path` was written as a ${VAR} that post-build substitution replaces. */
  substituted(t: SchemaTarget, path: NodePath): boolean {
    if (!t.substitution) return false;
    const loc = objectLocation(t.at, path);
    let v: unknown = loc.doc.value;
    for (const seg of loc.path) v = isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
    return typeof v === 'string' && v.includes('${');
  }

  /**
   * Objects the builds produce (deduplicated per document: a base built by two clusters is validated once per
   * distinct effective value) and kustomization files, in file order. Generated ConfigMaps/Secrets carry
   * placeholder data and are left out; so are Helm chart templates, patches and kustomize's own config files,
   * which are not objects.
   */
  targets(): SchemaTarget[] {
    if (this.targetList) return this.targetList;
    const out: SchemaTarget[] = [];
    // Per document: the values built from it so far, and (once a second one comes) their JSON, to compare.
    const seen = new Map<string, { values: unknown[]; json?: Set<string> }>();
    for (const cluster of this.model.clusters) {
      for (const o of cluster.objects) {
        // Generated objects carry placeholder data; an object without apiVersion is manifest-shape's.
        if (o.generated || !o.apiVersion) continue;
        // A YAML merge key (<<: *anchor) is left unresolved by the parser; its fields would look unknown or missing.
        const shape = inspect(o.value);
        if (shape.merge) continue;
        const key = docKey(o.doc, o.docPath);
        const had = seen.get(key);
        if (had) {
          // the same value (builds share unchanged values) or an equal one: validated once
          if (had.values.includes(o.value)) continue;
          had.json ??= new Set(had.values.map((v) => JSON.stringify(v)));
          const json = JSON.stringify(o.value);
          if (had.json.has(json)) continue;
          had.json.add(json);
          had.values.push(o.value);
        } else seen.set(key, { values: [o.value] });
        out.push({ at: o, value: o.value, apiVersion: o.apiVersion, kind: o.kind, substitution: substitutes(cluster, o), cluster, ...(shape.plain ? { plain: shape.plain } : {}) });
      }
    }
    for (const kd of this.model.kustomizeDirs.values()) {
      if (kd.generated || !kd.doc || !isObject(kd.doc.value)) continue;
      const shape = inspect(kd.doc.value);
      if (shape.merge) continue;
      const v = kd.doc.value;
      const apiVersion = typeof v.apiVersion === 'string' ? v.apiVersion : '';
      const kind = typeof v.kind === 'string' ? v.kind : 'Kustomization';
      out.push({ at: { doc: kd.doc, docPath: [] }, value: v, apiVersion, kind, substitution: false, ...(shape.plain ? { plain: shape.plain } : {}) });
    }
    const pathKeys = new Map(out.map((t) => [t, t.at.docPath.join('\0')]));
    out.sort((a, b) => cmp(a.at.doc.file.path, b.at.doc.file.path) || a.at.doc.index - b.at.doc.index || cmp(pathKeys.get(a)!, pathKeys.get(b)!));
    this.targetList = out;
    return out;
  }

  /** Every document as written that declares an apiVersion: built objects, kustomization files, patch files. */
  written(): WrittenDoc[] {
    if (this.writtenList) return this.writtenList;
    const byKey = new Map<string, WrittenDoc>();
    const add = (doc: YamlDoc, docPath: NodePath, patch: boolean, target?: SchemaTarget) => {
      const key = docKey(doc, docPath);
      let w = byKey.get(key);
      if (!w) {
        const v = valueAt(doc.value, docPath);
        if (!isObject(v) || typeof v.apiVersion !== 'string' || v.apiVersion === '') return;
        const kind = typeof v.kind === 'string' ? v.kind : '';
        if (!kind) return;
        const name = isObject(v.metadata) && typeof v.metadata.name === 'string' ? v.metadata.name : '';
        w = { doc, docPath, apiVersion: v.apiVersion, kind, name, patch, targets: [] };
        byKey.set(key, w);
      }
      if (target) {
        w.targets.push(target);
        w.patch = false;
      }
    };
    for (const t of this.targets()) add(t.at.doc, t.at.docPath, false, t);
    for (const file of this.model.files.values()) {
      if (!file.roles.has('patch')) continue;
      for (const doc of file.docs) if (doc.problems.length === 0 && isObject(doc.value)) add(doc, [], true);
    }
    const list = [...byKey.values()];
    list.sort((a, b) => cmp(a.doc.file.path, b.doc.file.path) || a.doc.index - b.doc.index || cmp(a.docPath.join('\0'), b.docPath.join('\0')));
    this.writtenList = list;
    return list;
  }

  /**
   * Whether an apiVersion/kind is served, deprecated, no longer served, or unknown. A CRD of that group/kind in
   * the tree (in this cluster, or installed outside git) decides over the bundled schemas: it is what the cluster
   * serves. Without a cluster (a patch or kustomization file) every CRD of the tree counts.
   */
  status(apiVersion: string, kind: string, cluster?: Cluster): ApiStatus {
    const key = `${apiVersion}\0${kind}\0${cluster?.dir ?? ''}`;
    let s = this.statuses.get(key);
    if (!s) {
      s = this.computeStatus(apiVersion, kind, cluster);
      this.statuses.set(key, s);
    }
    return s;
  }

  private computeStatus(apiVersion: string, kind: string, cluster?: Cluster): ApiStatus {
    const [group, version] = splitApiVersion(apiVersion);
    const tree = this.treeVersions(group, kind, cluster);
    const shipped = this.shipped.lookup(apiVersion, kind);
    const bestShipped = () => {
      const v = best(this.shipped.versionsOf(group, kind), version);
      return v ? withGroup(group, v) : undefined;
    };
    if (tree) {
      const mine = tree.get(version);
      const bestTree = best([...tree].map(([v, info]) => ({ version: v, ...info })), version);
      const treeReplacement = bestTree ? withGroup(group, bestTree) : undefined;
      // Removed upstream and not served here either: the upstream sentence, with what this cluster serves instead.
      if ((!mine || !mine.served) && shipped && !shipped.served) {
        const t = shipped.replacement ? splitApiVersion(shipped.replacement) : undefined;
        const replacement = t && t[0] === group && tree.get(t[1])?.served ? shipped.replacement! : treeReplacement;
        const message = shipped.deprecationWarning && replacement === shipped.replacement ? shipped.deprecationWarning : `${apiVersion} ${kind} is no longer served${replacementText(replacement, kind)}`;
        return { level: 'not-served', message, replacement };
      }
      if (!mine) {
        const served = [...tree].filter(([, i]) => i.served).map(([v]) => v).sort(compareVersions);
        const newer = served.length > 0 && served.every((v) => compareVersions(version, v) < 0);
        const sources = [...new Set([...tree.values()].map((i) => i.source))].sort();
        return {
          level: 'not-served',
          message: `${apiVersion} ${kind} is not served by the CustomResourceDefinition in ${this.describe(sources)}, which serves ${served.join(', ') || 'no version'}${newer ? '; upgrade those CRDs first' : replacementText(treeReplacement, kind)}`,
          replacement: newer ? undefined : treeReplacement,
        };
      }
      if (!mine.served) {
        return { level: 'not-served', message: `${apiVersion} ${kind} is not served by the CustomResourceDefinition in ${this.describe([mine.source])}${replacementText(treeReplacement, kind)}`, replacement: treeReplacement };
      }
      if (shipped && !shipped.served) {
        // A repository pinned to an older release: fine today, broken by the upgrade. Moving on is only possible
        // now when the pinned CRD already serves the replacement.
        const target = shipped.replacement ?? bestShipped();
        const t = target ? splitApiVersion(target) : undefined;
        const servedHere = t !== undefined && t[0] === group && tree.get(t[1])?.served === true;
        const removed = shipped.removedIn ? `was removed in Kubernetes ${shipped.removedIn}` : 'is no longer served by current releases';
        const how = !target ? '' : servedHere ? replacementText(target, kind) : `; upgrade those CRDs, then use ${target} ${kind}`;
        return {
          level: 'deprecated',
          message: `${apiVersion} ${kind} ${removed}; the CustomResourceDefinition in ${this.describe([mine.source])} still serves it${how}`,
          replacement: servedHere ? target : undefined,
        };
      }
      if (mine.deprecated) {
        const warning = mine.deprecationWarning ? `: ${mine.deprecationWarning}` : '';
        return { level: 'deprecated', message: `${apiVersion} ${kind} is deprecated by the CustomResourceDefinition in ${this.describe([mine.source])}${warning}${replacementText(treeReplacement, kind)}`, replacement: treeReplacement };
      }
      return { level: 'ok' };
    }
    const flux = FLUX_GROUPS.has(group);
    const install = flux && cluster ? this.install(cluster) : undefined;
    const pinned = install?.pin?.resolved?.release;
    // A kind no Flux release has (a typo, or a kind newer than the table) is left to the checks below.
    if (pinned && install?.pin && FLUX_RELEASES.some((r) => servedBy(r, group, kind).length > 0)) {
      return this.pinnedStatus(apiVersion, kind, group, version, pinned, install.pin);
    }
    if (shipped) {
      const replacement = shipped.replacement ?? bestShipped();
      if (!shipped.served) {
        const message = flux ? this.unpinnedMessage(apiVersion, kind, group, version, install) : shipped.deprecationWarning;
        return { level: 'not-served', message: (message ?? `${apiVersion} ${kind} is no longer served`) + (flux || !shipped.deprecationWarning ? replacementText(replacement, kind) : ''), replacement };
      }
      if (shipped.deprecated) {
        const message = shipped.deprecationWarning ? `${apiVersion} ${kind} is deprecated (${shipped.deprecationWarning})` : `${apiVersion} ${kind} is deprecated`;
        return { level: 'deprecated', message: message + replacementText(replacement, kind), replacement };
      }
      return { level: 'ok' };
    }
    // A version we do not know of a kind we do: older than the served ones means removed (external-secrets
    // v1alpha1); newer means a release after our schemas, which is only unknown.
    const versions = this.shipped.versionsOf(group, kind).filter((e) => e.served);
    if (versions.length > 0 && versions.every((e) => compareVersions(version, e.version) > 0)) {
      const replacement = bestShipped();
      return {
        level: 'not-served',
        message: `${apiVersion} ${kind} is not served by current releases (served: ${versions.map((e) => e.version).sort(compareVersions).join(', ')})${replacementText(replacement, kind)}`,
        replacement,
      };
    }
    return { level: 'unknown' };
  }

  /**
   * A Flux apiVersion the current release no longer serves, in a cluster whose Flux version the tree does not tell
   * (or tells in a form that cannot be resolved): judged against the current release, which `flux install` and
   * `flux bootstrap` install today, and the message says so.
   */
  private unpinnedMessage(apiVersion: string, kind: string, group: string, version: string, install: FluxInstall | undefined): string {
    const gone = removedIn(group, kind, version);
    const when = gone ? `Flux ${gone.minor} and later (removed in Flux ${gone.minor})` : 'the current Flux release';
    const pin = install?.pin;
    const why = !pin
      ? 'this repository does not say which Flux version the cluster runs, so it is judged against the current release'
      : pin.resolved?.current
        ? `${pin.what} at ${pin.at} installs the newest Flux release (${pin.text})`
        : `the Flux version that ${pin.what} at ${pin.at} sets (${pin.text}) is not a Flux 2 release lint-gitops knows, so it is judged against the current release`;
    return `${apiVersion} ${kind} is not served by ${when}; ${why}`;
  }

  /** Status of a Flux apiVersion in a cluster that pins a Flux release of the table (src/schema/flux-releases.ts). */
  private pinnedStatus(apiVersion: string, kind: string, group: string, version: string, release: FluxRelease, pin: NonNullable<FluxInstall['pin']>): ApiStatus {
    const here = [...servedBy(release, group, kind)].sort(compareVersions);
    const by = `Flux ${release.minor} (${pin.text} at ${pin.at})`;
    const preferred = here.find((v) => v !== version);
    const replacement = preferred ? withGroup(group, preferred) : undefined;
    if (!here.includes(version)) {
      if (here.length === 0) return { level: 'not-served', message: `${apiVersion} ${kind} is not served by ${by}, which has no ${kind}; upgrade Flux first` };
      const newer = here.every((v) => compareVersions(version, v) < 0);
      if (newer) return { level: 'not-served', message: `${apiVersion} ${kind} is not served by ${by}, which serves ${here.join(', ')}; upgrade Flux first` };
      const gone = removedIn(group, kind, version);
      return {
        level: 'not-served',
        message: `${apiVersion} ${kind} is not served by ${by}${gone ? ` (removed in Flux ${gone.minor})` : ''}${replacementText(replacement, kind)}`,
        replacement,
      };
    }
    const gone = removedIn(group, kind, version);
    const current = this.shipped.lookup(apiVersion, kind);
    if (gone || (current && !current.served)) {
      // Fine with the pinned release, broken by the upgrade. Moving on now is possible only where the pinned release
      // already serves the version the current one does.
      const target = current?.replacement ?? best(this.shipped.versionsOf(group, kind), version);
      const t = target ? splitApiVersion(target) : undefined;
      const servedHere = t !== undefined && t[0] === group && here.includes(t[1]) ? withGroup(group, t[1]) : undefined;
      const how = servedHere ? replacementText(servedHere, kind) : target ? `; upgrade Flux, then use ${withGroup(group, splitApiVersion(target)[1])} ${kind}` : '';
      return {
        level: 'deprecated',
        message: `${apiVersion} ${kind} is served by ${by} but removed in ${gone ? `Flux ${gone.minor}` : 'later releases'}${how}`,
        replacement: servedHere,
      };
    }
    return { level: 'ok' };
  }

  /** "flux-system/gotk-components.yaml (Flux v2.2.3)". */
  private describe(sources: string[]): string {
    return sources
      .map((s) => {
        const text = this.model.files.get(s)?.text;
        const flux = text && /(^|\/)gotk-components\.ya?ml$/.test(s) ? text.slice(0, 2000).match(/^#\s*Flux Version:\s*(\S+)/m)?.[1] : undefined;
        return flux ? `${s} (Flux ${flux})` : s;
      })
      .join(', ');
  }

  /** Kinds of `group` that a CustomResourceDefinition of the tree (or --crds, crdDirectories) defines, sorted. */
  treeKinds(group: string): string[] {
    const out = new Set<string>();
    for (const key of this.crds.keys()) {
      const [g, kind] = key.split('\0');
      if (g === group) out.add(kind);
    }
    return [...out].sort();
  }

  private treeVersions(group: string, kind: string, cluster?: Cluster): Map<string, CrdVersion> | undefined {
    const records = (this.crds.get(`${group}\0${kind}`) ?? []).filter((r) => !cluster || r.clusters === 'all' || r.clusters.has(cluster.dir));
    if (records.length === 0) return undefined;
    const out = new Map<string, CrdVersion>();
    for (const r of records) {
      for (const [v, info] of r.versions) {
        const had = out.get(v);
        if (!had || (!had.served && info.served)) out.set(v, info);
      }
    }
    return out;
  }

  /** Registers the tree's CRDs of one group/kind with the registry, the first time that kind is looked at. */
  private ensure(group: string, kind: string): void {
    const key = `${group}\0${kind}`;
    if (this.registered.has(key)) return;
    this.registered.add(key);
    const records = [...(this.crds.get(key) ?? [])].sort((a, b) => Number(b.clusters === 'all') - Number(a.clusters === 'all') || cmp(a.source, b.source));
    for (const r of records) {
      try {
        this.registry.addCrd(r.value, r.source);
      } catch {
        // A CRD the converter cannot read leaves its kind to the bundled schemas (or to schema-missing).
      }
    }
    // A Flux installed by the Flux Operator has the operator's patches on the notification CRDs (not in the tree).
    if (records.length === 0 && group === 'notification.toolkit.fluxcd.io' && OPERATOR_PATCHED[kind] && this.model.clusters.some((c) => this.install(c).operator)) {
      for (const e of this.shipped.versionsOf(group, kind)) {
        if (e.served && e.file) this.registry.addBundledVariant(indexKey(group, e.version, kind), (s) => operatorPatch(kind, s), `${e.source}, as the Flux Operator patches it`);
      }
    }
  }

  /** Reads group, kind and versions of every CRD in the tree; converting and compiling waits for ensure(). */
  private collectCrds(): void {
    const byDoc = new Map<string, CrdRecord>();
    const builtVariants = new Map<string, unknown[]>();
    const add = (value: unknown, source: string, key: string, cluster: string | 'all') => {
      const had = byDoc.get(key);
      if (had) {
        if (cluster === 'all') had.clusters = 'all';
        else if (had.clusters !== 'all') had.clusters.add(cluster);
        return;
      }
      const rec = crdRecord(value, source, cluster);
      if (!rec) return;
      byDoc.set(key, rec);
      const k = `${rec.group}\0${rec.kind}`;
      const list = this.crds.get(k) ?? [];
      list.push(rec);
      this.crds.set(k, list);
    };
    // A CRD a cluster builds is the CRD after the kustomize and Flux patches that build applies (the tofu-controller
    // docs add Terraform to the Alert eventSources enum with a patch on the CRD): its built value, per distinct value.
    const built = new Set<string>();
    for (const cluster of this.model.clusters) {
      for (const o of cluster.objects) {
        if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion.startsWith(CRD_GROUP)) continue;
        const doc = docKey(o.doc, o.docPath);
        built.add(doc);
        const variants = builtVariants.get(doc) ?? [];
        let n = variants.findIndex((v) => v === o.value);
        if (n < 0 && variants.length === 0) n = variants.push(o.value) - 1;
        else if (n < 0) {
          const json = JSON.stringify(o.value);
          n = variants.findIndex((v) => JSON.stringify(v) === json);
          if (n < 0) n = variants.push(o.value) - 1;
        }
        builtVariants.set(doc, variants);
        add(o.value, o.doc.file.path, n === 0 ? doc : `${doc}\0${n}`, cluster.dir);
      }
    }
    // CRDs installed outside git (--crds, crdDirectories, kustomize crds:), unless a cluster builds that very document.
    for (const file of this.model.files.values()) {
      if (!file.roles.has('crd')) continue;
      for (const doc of file.docs) if (doc.problems.length === 0 && !built.has(docKey(doc, []))) add(doc.value, file.path, docKey(doc, []), 'all');
    }
    for (const [i, extra] of (this.model.extraCrds ?? []).entries()) add(extra.value, extra.source, `extra\0${i}`, 'all');
  }
}

const contexts = new WeakMap<RepoModel, SchemaContext>();

/** The schema context of a lint run: one per model, built the first time a schema rule asks. */
export function schemaContext(model: RepoModel, options: { schemaCache?: SchemaCache } = {}, disk?: Disk): SchemaContext {
  let c = contexts.get(model);
  if (!c) {
    c = new SchemaContext(model, options.schemaCache, disk);
    contexts.set(model, c);
  }
  return c;
}

export type { SchemaContext };

/** A version pinned by a patch selector or an inline patch: rewriting the object's apiVersion would unmatch it. */
export interface PinnedVersion {
  group?: string;
  version: string;
  kind?: string;
  at: Location;
}

/**
 * kustomize matches a patch to its object by group, version and kind: `patches[].target.version`, a
 * patchesJson6902 target, or the apiVersion inside an inline patch. Those pins are not rewritten by --fix, so the
 * object they select keeps its apiVersion until they are changed by hand.
 */
export function pinnedVersions(ctx: SchemaContext): PinnedVersion[] {
  const out: PinnedVersion[] = [];
  const scan = (holder: unknown, t: SchemaTarget, base: NodePath) => {
    if (!isObject(holder)) return;
    for (const field of ['patches', 'patchesJson6902', 'patchesStrategicMerge']) {
      const list = holder[field];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, i) => {
        const at = objectLocation(t.at, [...base, field, i]);
        const inline = typeof entry === 'string' ? entry : isObject(entry) && typeof entry.patch === 'string' ? entry.patch : undefined;
        if (isObject(entry) && isObject(entry.target) && typeof entry.target.version === 'string') {
          const tg = entry.target;
          out.push({ group: typeof tg.group === 'string' ? tg.group : undefined, version: tg.version as string, kind: typeof tg.kind === 'string' ? tg.kind : undefined, at });
        }
        if (inline && inline.includes('\n')) {
          const api = inline.match(/^\s*apiVersion:\s*["']?([^\s"'#]+)/m)?.[1];
          const kind = inline.match(/^\s*kind:\s*["']?([^\s"'#]+)/m)?.[1];
          if (api) {
            const [group, version] = splitApiVersion(api);
            out.push({ group, version, kind, at });
          }
        }
      });
    }
  };
  for (const t of ctx.targets()) {
    if (t.at.docPath.length === 0 && t.kind === 'Kustomization' && !t.cluster) scan(t.value, t, []);
    else if (t.kind === 'Kustomization' && t.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) scan(t.value.spec, t, ['spec']);
    else if (t.kind === 'Component' && !t.cluster) scan(t.value, t, []);
  }
  return out;
}

export function pinsFor(pins: PinnedVersion[], apiVersion: string, kind: string): PinnedVersion | undefined {
  const [group, version] = splitApiVersion(apiVersion);
  return pins.find((p) => p.version === version && (p.group === undefined || p.group === group) && (p.kind === undefined || p.kind === kind));
}

/** "file:line" of a location, for messages that point elsewhere. */
export function where(loc: Location): string {
  return `${loc.doc.file.path}:${locate(loc).line}`;
}

function crdRecord(value: unknown, source: string, cluster: string | 'all'): CrdRecord | undefined {
  if (!isObject(value) || value.kind !== 'CustomResourceDefinition' || !isObject(value.spec)) return undefined;
  const spec = value.spec;
  const names = isObject(spec.names) ? spec.names : {};
  if (typeof spec.group !== 'string' || typeof names.kind !== 'string') return undefined;
  const versions = new Map<string, CrdVersion>();
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) {
      if (!isObject(v) || typeof v.name !== 'string') continue;
      versions.set(v.name, {
        served: v.served !== false,
        deprecated: v.deprecated === true,
        ...(typeof v.deprecationWarning === 'string' ? { deprecationWarning: v.deprecationWarning } : {}),
        source,
      });
    }
  }
  // apiextensions.k8s.io/v1beta1 CRDs could name one version in spec.version.
  if (versions.size === 0 && typeof spec.version === 'string') versions.set(spec.version, { served: true, deprecated: false, source });
  if (versions.size === 0) return undefined;
  return { group: spec.group, kind: names.kind, value, source, clusters: cluster === 'all' ? 'all' : new Set([cluster]), versions };
}

/** The most preferred served, not deprecated version other than `except` (else any served one). */
function best(entries: { version: string; served: boolean; deprecated: boolean }[], except: string): string | undefined {
  const served = entries.filter((e) => e.served && e.version !== except).sort((a, b) => compareVersions(a.version, b.version));
  const chosen = served.find((e) => !e.deprecated) ?? served[0];
  return chosen?.version;
}

function withGroup(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function replacementText(replacement: string | undefined, kind: string): string {
  return replacement ? `; use ${replacement} ${kind}` : '';
}

function substitutes(cluster: Cluster, o: KObject): boolean {
  if (substitutionDisabled(o.value)) return false;
  const fk = cluster.kustomizations.get(o.builtBy);
  const spec = fk?.object && isObject(fk.object.value.spec) ? fk.object.value.spec : fk?.spec;
  // Variables the repository leaves to something outside Git (a mutating webhook) are unknown, not literal.
  return Boolean(spec && isObject(spec.postBuild)) || runtimeVariables(cluster).size > 0;
}

/**
 * One walk of a target's value. `merge`: whether its JSON has a `"<<":` key (a YAML merge key); plain objects and
 * arrays are walked instead of serialising every object, anything else (a Date, a typed array) is left to
 * JSON.stringify itself (in JSON, `"<<":` can only come from a key: a quote inside a string is escaped). `plain`:
 * set when the value is plain JSON data (ValidateOptions.plain: plain objects and dense arrays of strings,
 * booleans, nulls and finite numbers other than -0, no "__proto__" key), with whether it has a null member (the
 * validator sees a copy without it).
 */
function inspect(value: unknown): { merge: boolean; plain?: { copy: boolean } } {
  let faithful = true;
  let copy = false;
  const walk = (v: unknown, member: boolean): boolean | undefined => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return false;
      case 'number':
        if (!Number.isFinite(v) || Object.is(v, -0)) faithful = false;
        return false;
      case 'object':
        break;
      default:
        faithful = false;
        return false;
    }
    if (v === null) {
      if (member) copy = true;
      return false;
    }
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return undefined;
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) faithful = false;
        const r = walk(v[i], false);
        if (r !== false) return r;
      }
      return false;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return undefined;
    if (proto === null) faithful = false;
    for (const k of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[k];
      if (k === '<<' || k.endsWith('"<<') || k === 'toJSON') return undefined;
      if (k === '__proto__') faithful = false;
      const r = walk(item, true);
      if (r !== false) return r;
    }
    return false;
  };
  const r = walk(value, false);
  if (r === undefined) return { merge: (JSON.stringify(value) ?? '').includes('"<<":') };
  return r || !faithful ? { merge: r } : { merge: false, plain: { copy } };
}

function docKey(doc: YamlDoc, docPath: NodePath): string {
  return `${doc.file.path}\0${doc.index}\0${docPath.join('\0')}`;
}

function valueAt(v: unknown, path: NodePath): unknown {
  for (const seg of path) v = isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
