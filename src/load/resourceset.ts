/**
 * Offline expansion of a Flux Operator ResourceSet into the objects the operator would apply.
 *
 * Mirrors flux-operator (internal/builder/resourceset.go BuildResourceSet/BuildResourceSetSteps, internal/inputs
 * combine.go/flattener.go/permuter.go, internal/controller/resourceset_controller.go getInputs/apply and
 * resourcesetinputprovider_controller.go for `Static` providers) and its documentation
 * (https://fluxcd.control-plane.io/operator/resourceset/):
 * - input sets: `spec.inputs` first, then the `spec.inputsFrom` providers (by name or label selector, in the
 *   ResourceSet's namespace) sorted by name; each set gets `provider` (apiVersion/kind/name/namespace) and `id`.
 *   `inputStrategy: Flatten` (default) concatenates them; `Permute` takes their Cartesian product, each provider's
 *   set under its normalized name, with `id` = adler32 of the permutation.
 * - a `Static` provider exports one set: its `spec.defaultValues` plus `id` = adler32(metadata.uid). The uid is
 *   the cluster's, so the id is a stand-in here and every object that read it says so (`placeholders`).
 * - providers of other types query a live API: they are listed in `offlineProviders`, never an error.
 * - each `spec.resources` item is rendered as YAML text (keys sorted, as sigs.k8s.io/yaml writes it) and read
 *   back; `spec.resourcesTemplate` is rendered as a whole into multi-document YAML; `spec.steps` do both per step.
 * - objects are de-duplicated by group/kind/namespace/name (resources first), objects annotated
 *   `fluxcd.controlplane.io/reconcile: disabled` are dropped, then the owner labels and `spec.commonMetadata`
 *   are set. The operator sets no namespace on generated objects: one left without a namespace stays so.
 *
 * Pure: the ResourceSet value and the provider objects in, objects and issues out.
 */
import { isObject } from '../model/objects.js';
import { isMap as isYamlMap, isScalar, type Node, type Scalar } from 'yaml';
import type {
  GeneratedObject,
  NodePath,
  ResourceSetDependency,
  ResourceSetExpansion,
  ResourceSetIssue,
  SourceFile,
  TemplatePoint,
  YamlDoc,
} from '../model/types.js';
import {
  inputId,
  markPlaceholder,
  parseTemplate,
  renderTemplate,
  sourceOffset,
  type Template,
  type TemplateIssue,
} from './operator-template.js';
import { documentNodeRanges, goYamlMarshal, nodeRanges, readYamlDocuments, setOwn, type NodeRange, type ScalarSpan } from './operator-yaml.js';
import { locate, toRange, type Range } from '../model/location.js';

export const OPERATOR_API_VERSION = 'fluxcd.controlplane.io/v1';
export const RESOURCESET_KIND = 'ResourceSet';
export const INPUT_PROVIDER_KIND = 'ResourceSetInputProvider';
/** Labels the operator's server-side apply sets on every generated object (fluxcdv1.GroupOwnerLabelResourceSet). */
export const OWNER_NAME_LABEL = 'resourceset.fluxcd.controlplane.io/name';
export const OWNER_NAMESPACE_LABEL = 'resourceset.fluxcd.controlplane.io/namespace';
const RECONCILE_ANNOTATION = 'fluxcd.controlplane.io/reconcile';
/** internal/inputs/permuter.go maxPermutations. */
const MAX_PERMUTATIONS = 10_000;
/** Renders (input sets × templates) allowed for one ResourceSet before expansion stops with a `limit` issue. */
const MAX_RENDERS = 10_000;

export interface ProviderObject {
  value: unknown;
  /** Effective namespace (after kustomize and Flux); defaults to metadata.namespace. */
  namespace?: string;
}

export interface ExpandOptions {
  /** Effective namespace of the ResourceSet; defaults to metadata.namespace. */
  namespace?: string;
  /** ResourceSetInputProvider objects found by the caller (any namespace; other namespaces are ignored). */
  providers?: readonly (ProviderObject | unknown)[];
}

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function isResourceSet(v: unknown): boolean {
  return isObject(v) && v.kind === RESOURCESET_KIND && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('fluxcd.controlplane.io/');
}

export function isInputProvider(v: unknown): boolean {
  return isObject(v) && v.kind === INPUT_PROVIDER_KIND && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('fluxcd.controlplane.io/');
}

/** The ResourceSet's `spec.dependsOn`, for the dependency graph. */
export function resourceSetDependsOn(rset: unknown): ResourceSetDependency[] {
  const spec = isObject(rset) && isObject(rset.spec) ? rset.spec : {};
  const deps = Array.isArray(spec.dependsOn) ? spec.dependsOn : [];
  const out: ResourceSetDependency[] = [];
  deps.forEach((d, i) => {
    if (!isObject(d)) return;
    const apiVersion = str(d.apiVersion);
    const kind = str(d.kind);
    const name = str(d.name);
    if (!apiVersion || !kind || !name) return;
    out.push({
      apiVersion,
      kind,
      name,
      namespace: str(d.namespace) || undefined,
      ready: d.ready === true,
      readyExpr: str(d.readyExpr) || undefined,
      path: ['spec', 'dependsOn', i],
    });
  });
  return out;
}

/** The point in the ResourceSet a path of a generated object came from (the deepest path that has one). */
export function locateGenerated(obj: GeneratedObject, path: NodePath): TemplatePoint {
  for (let n = path.length; n >= 0; n--) {
    const p = obj.sources.get(JSON.stringify(path.slice(0, n)));
    if (p) return p;
  }
  return obj.template;
}

interface InputSet {
  value: Json;
  index: number;
}

interface Ctx {
  rsetName: string;
  rsetNamespace: string;
  issues: ResourceSetIssue[];
  renders: number;
  stopped?: 'unsupported' | 'limit';
  /** Parsed templates by the path of their source. */
  parsed: Map<string, Template | TemplateIssue>;
}

/** Expands a ResourceSet with its inline inputs and the Static providers found for it. */
export function expandResourceSet(rset: unknown, options: ExpandOptions = {}): ResourceSetExpansion {
  const result: ResourceSetExpansion = { status: 'expanded', objects: [], issues: [], dependsOn: resourceSetDependsOn(rset), offlineProviders: [], inputSets: 0 };
  if (!isObject(rset)) return result;
  const meta = isObject(rset.metadata) ? rset.metadata : {};
  const spec = isObject(rset.spec) ? rset.spec : {};
  const ctx: Ctx = {
    rsetName: str(meta.name) ?? '',
    rsetNamespace: options.namespace ?? str(meta.namespace) ?? '',
    issues: result.issues,
    renders: 0,
    parsed: new Map(),
  };
  const annotations = isObject(meta.annotations) ? meta.annotations : {};
  if (typeof annotations[RECONCILE_ANNOTATION] === 'string' && annotations[RECONCILE_ANNOTATION].toLowerCase() === 'disabled') {
    result.issues.push({ code: 'disabled', severity: 'info', message: 'reconciliation is disabled: the operator applies nothing', at: { path: ['metadata', 'annotations', RECONCILE_ANNOTATION] } });
    return result;
  }
  if (!validateSpec(spec, ctx)) {
    result.status = 'not-expandable';
    return result;
  }

  const inputs = collectInputs(spec, options.providers ?? [], ctx, result);
  if (inputs === undefined) {
    result.status = 'not-expandable';
    return result;
  }
  const steps = Array.isArray(spec.steps) && spec.steps.length > 0 ? spec.steps : undefined;
  const inputsFrom = Array.isArray(spec.inputsFrom) ? spec.inputsFrom : [];
  // "If providers return no inputs, we should reconcile an empty set" (resourceset_controller.go).
  if (inputsFrom.length > 0 && inputs.sets.length === 0) {
    result.status = result.offlineProviders.length > 0 ? 'not-expandable' : 'expanded';
    // Templates still parse the same whatever the inputs: a syntax error fails as soon as there are any.
    checkSyntax(spec, steps, ctx);
    return result;
  }
  if (inputs.partial) result.status = 'partial';
  result.inputSets = inputs.sets.length;

  const owner = { name: ctx.rsetName, namespace: ctx.rsetNamespace };
  const sets = inputs.noInputs ? undefined : inputs.sets;
  if (steps) {
    const stepOf = new Map<string, string>();
    steps.forEach((step, s) => {
      if (!isObject(step)) return;
      const stepName = str(step.name) ?? '';
      const objs = build(step.resources, step.resourcesTemplate, sets, ['spec', 'steps', s], ctx);
      for (const o of objs) {
        const key = objectIdentity(o.value);
        const prev = stepOf.get(key);
        if (prev !== undefined && prev !== stepName) {
          ctx.issues.push({
            code: 'duplicate-resource',
            severity: 'error',
            message: `duplicate resource ${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name} in step "${stepName}", already defined in step "${prev}"`,
            at: o.template,
          });
          continue;
        }
        stepOf.set(key, stepName);
        o.step = stepName;
        result.objects.push(o);
      }
    });
  } else {
    result.objects.push(...build(spec.resources, spec.resourcesTemplate, sets, ['spec'], ctx));
  }

  if (ctx.stopped) {
    result.status = 'not-expandable';
    result.objects = [];
    return result;
  }
  if (result.issues.some((i) => i.severity === 'error')) {
    // The build fails as a whole: the operator applies nothing.
    result.objects = [];
  }
  const common = isObject(spec.commonMetadata) ? spec.commonMetadata : {};
  for (const o of result.objects) applyMetadata(o, owner, common);
  return result;
}

function validateSpec(spec: Json, ctx: Ctx): boolean {
  const steps = Array.isArray(spec.steps) && spec.steps.length > 0;
  const resources = Array.isArray(spec.resources) && spec.resources.length > 0;
  const template = typeof spec.resourcesTemplate === 'string' && spec.resourcesTemplate !== '';
  const bad = (message: string, path: NodePath) => {
    ctx.issues.push({ code: 'invalid-spec', severity: 'error', message, at: { path } });
    return false;
  };
  if (steps && (resources || template)) return bad('spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate', ['spec', 'steps']);
  if (steps) {
    const names = new Set<string>();
    for (const [i, step] of (spec.steps as unknown[]).entries()) {
      if (!isObject(step)) continue;
      const name = str(step.name) ?? '';
      const stepResources = Array.isArray(step.resources) && step.resources.length > 0;
      const stepTemplate = typeof step.resourcesTemplate === 'string' && step.resourcesTemplate !== '';
      if (!stepResources && !stepTemplate) return bad(`step "${name}": at least one of resources or resourcesTemplate must be set`, ['spec', 'steps', i]);
      if (names.has(name)) return bad('step names must be unique', ['spec', 'steps', i, 'name']);
      names.add(name);
    }
  }
  const strategy = isObject(spec.inputStrategy) ? str(spec.inputStrategy.name) : undefined;
  if (strategy !== undefined && strategy !== 'Flatten' && strategy !== 'Permute' && strategy !== '') {
    return bad(`unknown input strategy: '${strategy}'`, ['spec', 'inputStrategy', 'name']);
  }
  return true;
}

interface CollectedInputs {
  sets: InputSet[];
  /** No inline inputs and no inputsFrom: every template renders once, with empty inputs. */
  noInputs: boolean;
  partial: boolean;
}

interface Provider {
  name: string;
  namespace: string;
  kind: string;
  type?: string;
  inputs?: Json[];
  path: NodePath;
}

function collectInputs(spec: Json, found: readonly unknown[], ctx: Ctx, result: ResourceSetExpansion): CollectedInputs | undefined {
  const inline = Array.isArray(spec.inputs) ? spec.inputs : [];
  const refs = Array.isArray(spec.inputsFrom) ? spec.inputsFrom : [];
  if (inline.length === 0 && refs.length === 0) return { sets: [{ value: {}, index: 0 }], noInputs: true, partial: false };

  // The ResourceSet is the first provider of its own inline inputs (inputs/combine.go).
  const self: Provider = { name: ctx.rsetName, namespace: ctx.rsetNamespace, kind: RESOURCESET_KIND, path: ['spec', 'inputs'], inputs: [] };
  inline.forEach((input, i) => {
    const set: Json = {};
    if (isObject(input)) for (const k of Object.keys(input)) setOwn(set, k, plainJson(input[k]));
    if (!Object.prototype.hasOwnProperty.call(set, 'id')) {
      // The documentation promises an `inputs.id` in every input set; for inline inputs its value is not
      // reproducible here, so it is a stand-in and reading it is recorded.
      set.id = inputId(`${ctx.rsetNamespace}/${ctx.rsetName}/${i}`);
      markPlaceholder(set, 'id', `inputs.id of ResourceSet ${ctx.rsetName} inputs[${i}]`);
    }
    self.inputs!.push(set);
  });

  const providers = new Map<string, Provider>();
  let missing = false;
  const candidates = found.map(asProvider).filter((p): p is { value: Json; namespace: string } => p !== undefined && p.namespace === ctx.rsetNamespace);
  refs.forEach((ref, i) => {
    const path: NodePath = ['spec', 'inputsFrom', i];
    if (!isObject(ref)) return;
    const name = str(ref.name);
    const selector = ref.selector;
    if (ref.kind !== undefined && ref.kind !== INPUT_PROVIDER_KIND) {
      ctx.issues.push({ code: 'invalid-spec', severity: 'error', message: `inputsFrom kind must be ${INPUT_PROVIDER_KIND}`, at: { path: [...path, 'kind'] } });
      missing = true;
      return;
    }
    if (name && selector !== undefined) {
      ctx.issues.push({ code: 'invalid-spec', severity: 'error', message: 'cannot set both name and selector for input provider references', at: { path } });
      missing = true;
      return;
    }
    if (name) {
      const p = candidates.find((c) => str(isObject(c.value.metadata) ? c.value.metadata.name : undefined) === name);
      if (!p) {
        ctx.issues.push({
          code: 'provider-not-found',
          severity: 'warning',
          message: `ResourceSetInputProvider ${ctx.rsetNamespace}/${name} is not in the repository: the operator fails unless the cluster has it`,
          at: { path: [...path, 'name'] },
        });
        missing = true;
        return;
      }
      providers.set(name, toProvider(p, path, ctx));
      return;
    }
    if (isObject(selector)) {
      for (const c of candidates) {
        const m = isObject(c.value.metadata) ? c.value.metadata : {};
        if (matchesSelector(selector, isObject(m.labels) ? m.labels : {})) providers.set(str(m.name) ?? '', toProvider(c, path, ctx));
      }
      return;
    }
    ctx.issues.push({ code: 'invalid-spec', severity: 'error', message: 'at least one of name or selector must be set for input provider references', at: { path } });
    missing = true;
  });
  if (missing) return undefined;

  const sorted = [...providers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const offline = sorted.filter((p) => p.inputs === undefined);
  result.offlineProviders = offline.map((p) => ({ name: p.name, namespace: p.namespace || undefined, type: p.type ?? '', path: p.path }));
  const all = [self, ...sorted];
  for (const p of all) {
    for (const set of p.inputs ?? []) {
      setOwn(set, 'provider', { apiVersion: OPERATOR_API_VERSION, kind: p.kind, name: p.name, namespace: p.namespace });
    }
  }

  const strategy = isObject(spec.inputStrategy) ? str(spec.inputStrategy.name) : undefined;
  if (strategy === 'Permute') {
    if (offline.length > 0) return { sets: [], noInputs: false, partial: false };
    const includeEmpty = isObject(spec.inputStrategy) && spec.inputStrategy.includeEmptyProviders === true;
    const groups: { name: string; sets: Json[] }[] = [];
    let expected = 0;
    for (const p of all) {
      const sets = p.inputs ?? [];
      if (!includeEmpty && sets.length === 0) continue;
      expected = groups.length === 0 ? sets.length : expected * sets.length;
      if (expected > MAX_PERMUTATIONS) {
        ctx.issues.push({
          code: 'limit',
          severity: 'error',
          message: `adding provider '${p.name}' with ${sets.length} inputs would exceed the maximum allowed permutations. max: ${MAX_PERMUTATIONS}, got: ${expected}`,
          at: { path: ['spec', 'inputStrategy'] },
        });
        return undefined;
      }
      const norm = normalizeObjectName(p.name);
      if (norm === '') {
        ctx.issues.push({ code: 'invalid-spec', severity: 'error', message: `normalized provider name is empty: '${p.name}'`, at: { path: p.path } });
        return undefined;
      }
      groups.push({ name: norm, sets });
    }
    const out: InputSet[] = [];
    const pick = (g: number, chosen: number[]): void => {
      if (g === groups.length) {
        if (groups.length === 0) return;
        const perm: Json = {};
        const id: string[] = [];
        chosen.forEach((idx, gi) => {
          setOwn(perm, groups[gi].name, groups[gi].sets[idx]);
          id.push(`${groups[gi].name}=${idx}`);
        });
        perm.id = inputId(id.join('/'));
        out.push({ value: perm, index: out.length });
        return;
      }
      groups[g].sets.forEach((_, i) => pick(g + 1, [...chosen, i]));
    };
    pick(0, []);
    return { sets: out, noInputs: false, partial: false };
  }
  const sets: InputSet[] = [];
  for (const p of all) for (const s of p.inputs ?? []) sets.push({ value: s, index: sets.length });
  return { sets, noInputs: false, partial: offline.length > 0 };
}

function asProvider(p: unknown): { value: Json; namespace: string } | undefined {
  const wrapped = isObject(p) && 'value' in p && isObject(p.value) && !('kind' in p) ? (p as unknown as ProviderObject) : undefined;
  const value = wrapped ? wrapped.value : p;
  if (!isInputProvider(value)) return undefined;
  const v = value as Json;
  const meta = isObject(v.metadata) ? v.metadata : {};
  return { value: v, namespace: wrapped?.namespace ?? str(meta.namespace) ?? '' };
}

function toProvider(p: { value: Json; namespace: string }, path: NodePath, ctx: Ctx): Provider {
  const meta = isObject(p.value.metadata) ? p.value.metadata : {};
  const spec = isObject(p.value.spec) ? p.value.spec : {};
  const name = str(meta.name) ?? '';
  const type = str(spec.type) ?? '';
  const provider: Provider = { name, namespace: p.namespace, kind: INPUT_PROVIDER_KIND, type, path };
  if (type !== 'Static') return provider;
  // NewResourceSetInput(defaults, {id}): the default values, with the id taking precedence.
  const set: Json = {};
  const defaults = isObject(spec.defaultValues) ? spec.defaultValues : {};
  for (const k of Object.keys(defaults)) setOwn(set, k, plainJson(defaults[k]));
  const uid = str(meta.uid);
  set.id = inputId(uid ?? `${p.namespace}/${name}`);
  if (!uid) markPlaceholder(set, 'id', `inputs.id of ResourceSetInputProvider ${name} (adler32 of its metadata.uid)`);
  void ctx;
  provider.inputs = [set];
  return provider;
}

/**
 * The key a provider's input sets get under Permute: internal/inputs/keys.go NormalizeKeyForTemplate (lowercase,
 * spaces and punctuation become `_`, anything else outside [a-z0-9] is dropped, runs of `_` collapse).
 */
export function normalizeObjectName(name: string): string {
  const mapped = Array.from(name, (ch) => {
    const r = ch.toLowerCase();
    if (/[\s\u0085\u00a0]/u.test(r) || /\p{P}/u.test(r)) return '_';
    return /^[a-z0-9]$/.test(r) ? r : '';
  }).join('');
  return mapped
    .split('_')
    .filter((w) => w !== '')
    .join('_');
}

/** metav1.LabelSelector matching (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist). */
export function matchesSelector(selector: Json, labels: Json): boolean {
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs) {
    if (!isObject(e)) return false;
    const key = str(e.key) ?? '';
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(String(labels[key]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(String(labels[key]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * A YAML value as the operator gets it, through kubectl or Flux and the API server's JSON: Dates are strings, and
 * a `<<` merge key (left as a key by the YAML 1.2 parse here) is merged as go-yaml merges it, explicit keys first.
 */
function plainJson(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plainJson);
  if (isObject(v)) {
    const o: Json = {};
    for (const k of Object.keys(v)) if (v[k] !== undefined && k !== '<<') setOwn(o, k, plainJson(v[k]));
    const merge = v['<<'];
    const sources = Array.isArray(merge) ? merge : [merge];
    if (merge !== undefined && sources.every(isObject)) {
      for (const src of sources as Json[]) {
        for (const k of Object.keys(src)) if (!Object.prototype.hasOwnProperty.call(o, k) && src[k] !== undefined) setOwn(o, k, plainJson(src[k]));
      }
    } else if (merge !== undefined) setOwn(o, '<<', plainJson(merge));
    return o;
  }
  return v === undefined ? null : v;
}

function checkSyntax(spec: Json, steps: unknown[] | undefined, ctx: Ctx): void {
  const check = (resources: unknown, template: unknown, base: NodePath) => {
    if (Array.isArray(resources)) {
      resources.forEach((item, i) => {
        if (isObject(item)) itemTemplate(item, [...base, 'resources', i], ctx);
      });
    }
    if (typeof template === 'string' && template !== '') stringTemplate(template, [...base, 'resourcesTemplate'], ctx);
  };
  if (steps) steps.forEach((s, i) => isObject(s) && check(s.resources, s.resourcesTemplate, ['spec', 'steps', i]));
  else check(spec.resources, spec.resourcesTemplate, ['spec']);
}

interface ItemTemplate {
  tpl?: Template;
  spans: ScalarSpan[];
  text: string;
}

function itemTemplate(item: Json, path: NodePath, ctx: Ctx): ItemTemplate | undefined {
  const key = JSON.stringify(path);
  const emitted = goYamlMarshal(plainJson(item), true);
  let tpl = ctx.parsed.get(key);
  if (!tpl) {
    tpl = parseTemplate(emitted.text);
    ctx.parsed.set(key, tpl);
    if ('kind' in tpl) reportTemplate(tpl, pointInItem(emitted.spans, emitted.text, tpl.offset, path), ctx);
  }
  if ('kind' in tpl) return undefined;
  return { tpl, spans: emitted.spans, text: emitted.text };
}

function stringTemplate(source: string, path: NodePath, ctx: Ctx): Template | undefined {
  const key = JSON.stringify(path);
  let tpl = ctx.parsed.get(key);
  if (!tpl) {
    tpl = parseTemplate(source);
    ctx.parsed.set(key, tpl);
    if ('kind' in tpl) reportTemplate(tpl, pointInString(source, tpl.offset, path), ctx);
  }
  return 'kind' in tpl ? undefined : tpl;
}

function reportTemplate(issue: TemplateIssue, at: TemplatePoint, ctx: Ctx): void {
  switch (issue.kind) {
    case 'parse':
      ctx.issues.push({ code: 'template-parse', severity: 'error', message: `template: ${issue.message}`, at });
      return;
    case 'exec':
      ctx.issues.push({ code: 'template-exec', severity: 'error', message: `template: ${issue.message}`, at });
      return;
    case 'unsupported':
    case 'limit':
      ctx.stopped ??= issue.kind;
      ctx.issues.push({ code: issue.kind, severity: 'info', message: `not expanded offline: ${issue.message}`, at });
      return;
  }
}

/** BuildResourceSet: resources items first (one render per input set each), then the template. */
function build(resources: unknown, template: unknown, sets: InputSet[] | undefined, base: NodePath, ctx: Ctx): GeneratedObject[] {
  const objects: GeneratedObject[] = [];
  const keys = new Set<string>();
  const add = (o: GeneratedObject, dedup: boolean) => {
    const key = objectIdentity(o.value);
    if (dedup && keys.has(key)) return;
    keys.add(key);
    objects.push(o);
  };
  if (Array.isArray(resources)) {
    for (let i = 0; i < resources.length; i++) {
      const item = resources[i];
      const path: NodePath = [...base, 'resources', i];
      if (!isObject(item)) continue;
      const t = itemTemplate(item, path, ctx);
      if (!t?.tpl) continue;
      for (const set of sets ?? [undefined]) {
        if (!budget(ctx, path)) return [];
        const o = renderItem(item, t, set, path, ctx);
        if (ctx.stopped) return [];
        if (!o) break;
        // With inputs, the operator drops objects annotated reconcile: disabled and de-duplicates.
        if (sets && disabled(o.value)) continue;
        add(o, sets !== undefined);
      }
    }
  }
  if (typeof template === 'string' && template !== '') {
    const path: NodePath = [...base, 'resourcesTemplate'];
    const tpl = stringTemplate(template, path, ctx);
    if (tpl) {
      for (const set of sets ?? [undefined]) {
        if (!budget(ctx, path)) return [];
        const objs = renderString(template, tpl, set, path, ctx);
        if (ctx.stopped) return [];
        if (!objs) break;
        for (const o of objs) if (!disabled(o.value)) add(o, true);
      }
    }
  }
  return objects;
}

function budget(ctx: Ctx, path: NodePath): boolean {
  if (++ctx.renders <= MAX_RENDERS) return true;
  reportTemplate({ kind: 'limit', message: `more than ${MAX_RENDERS} renders (input sets × templates)`, offset: 0 }, { path }, ctx);
  return false;
}

function disabled(v: Json): boolean {
  const meta = isObject(v.metadata) ? v.metadata : {};
  const ann = isObject(meta.annotations) ? meta.annotations : {};
  return ann[RECONCILE_ANNOTATION] === 'disabled';
}

/** group/kind/namespace/name: the operator's objectKey (the version is not part of an object's identity). */
export function objectIdentity(v: Json): string {
  const apiVersion = str(v.apiVersion) ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const meta = isObject(v.metadata) ? v.metadata : {};
  return [group, str(v.kind) ?? '', str(meta.namespace) ?? '', str(meta.name) ?? ''].join('/');
}

function renderItem(item: Json, t: ItemTemplate, set: InputSet | undefined, path: NodePath, ctx: Ctx): GeneratedObject | undefined {
  const r = renderTemplate(t.tpl!, set?.value ?? {});
  if ('kind' in r) {
    reportTemplate(withInput(r, set), pointInItem(t.spans, t.text, r.offset, path), ctx);
    return undefined;
  }
  const at = (outOffset: number) => pointInItem(t.spans, t.text, sourceOffset(r.segments, outOffset), path);
  // ReadObject: the first document of the rendered text.
  const read = readYamlDocuments(r.text);
  const first = read.docs[0];
  if (!first && read.error) {
    outputError(`failed to read object: ${read.error.message}`, at(read.error.offset), set, ctx);
    return undefined;
  }
  if (!first || first.value === null) {
    outputError('failed to read object: EOF', { path }, set, ctx);
    return undefined;
  }
  if (!isObject(first.value)) {
    outputError(`failed to read object: the rendered resource is not a mapping`, { path }, set, ctx);
    return undefined;
  }
  const v = first.value;
  if (!str(v.kind)) {
    outputError(`failed to read object: Object 'Kind' is missing`, { path }, set, ctx);
    return undefined;
  }
  const problem = unappliable(v);
  if (problem) {
    outputError(problem, locateIn(item, path, problem.includes('name') ? ['metadata', 'name'] : ['apiVersion']), set, ctx);
    return undefined;
  }
  // Paths of the object that exist in the item point at the item's node; anything else at its nearest ancestor.
  return generated(v, { path }, set, r.placeholdersRead, () => {
    const m = new Map<string, TemplatePoint>();
    walkPaths(v, [], (p) => {
      if (hasPath(item, p)) m.set(JSON.stringify(p), { path: [...path, ...p] });
    });
    return m;
  });
}

function renderString(source: string, tpl: Template, set: InputSet | undefined, path: NodePath, ctx: Ctx): GeneratedObject[] | undefined {
  const r = renderTemplate(tpl, set?.value ?? {});
  if ('kind' in r) {
    reportTemplate(withInput(r, set), pointInString(source, r.offset, path), ctx);
    return undefined;
  }
  const at = (outOffset: number) => pointInString(source, sourceOffset(r.segments, outOffset), path);
  const read = readYamlDocuments(r.text);
  if (read.error) {
    outputError(`failed to read objects from multi-doc YAML: ${read.error.message}`, at(read.error.offset), set, ctx);
    return undefined;
  }
  const out: GeneratedObject[] = [];
  for (const doc of read.docs) {
    if (doc.value === null) continue;
    const start = doc.start + (doc.contents?.range?.[0] ?? 0);
    if (!isObject(doc.value)) {
      outputError('failed to read objects from multi-doc YAML: a document is not a mapping', at(start), set, ctx);
      return undefined;
    }
    if (!str(doc.value.kind)) {
      outputError(`failed to read objects from multi-doc YAML: Object 'Kind' is missing`, at(start), set, ctx);
      return undefined;
    }
    const text = r.text;
    const { start: docStart, end: docEnd } = doc;
    // Positions are worked out when a finding asks for them: the document is parsed again then.
    const sourcesFor = (prefix: NodePath, known?: NodeRange[]) => () => {
      const ranges = known ?? documentNodeRanges(text, docStart, docEnd);
      const m = new Map<string, TemplatePoint>();
      for (const n of ranges) {
        if (n.path.length < prefix.length || prefix.some((s, i) => n.path[i] !== s)) continue;
        const rel = n.path.slice(prefix.length);
        const k = JSON.stringify(rel);
        // A scalar is found at its value; a collection at its key (its own range starts at its first item).
        if (n.collection && m.has(k)) continue;
        m.set(k, { ...at(docStart + n.start), ...(n.key ? { key: true } : {}) });
      }
      return m;
    };
    const list = isList(doc.value);
    const ranges = list ? nodeRanges(doc.contents) : undefined;
    // ReadObjects expands Lists and keeps only objects with apiVersion, kind and name (and not kustomize's).
    const items = list ? (doc.value.items as unknown[]).map((x, i) => [x, ['items', i]] as const) : [[doc.value, []] as const];
    for (const [value, prefix] of items) {
      if (!isObject(value)) continue;
      const docPoint = at(doc.start + (ranges?.find((n) => !n.key && JSON.stringify(n.path) === JSON.stringify(prefix))?.start ?? doc.contents?.range?.[0] ?? 0));
      if (!isKubernetesObject(value)) {
        ctx.issues.push({
          code: 'dropped',
          severity: 'info',
          message: 'the operator drops a rendered document without apiVersion, kind and metadata.name (or a kustomize Kustomization)',
          at: docPoint,
        });
        continue;
      }
      out.push(generated(value, docPoint, set, r.placeholdersRead, sourcesFor(prefix, ranges)));
    }
  }
  return out;
}

function isList(v: Json): boolean {
  return Array.isArray(v.items);
}

function isKubernetesObject(v: Json): boolean {
  const meta = isObject(v.metadata) ? v.metadata : {};
  const ok = !!str(meta.name) && !!str(v.kind) && !!str(v.apiVersion);
  const kustomization = String(v.kind).toLowerCase() === 'kustomization' && String(v.apiVersion).startsWith('kustomize.config.k8s.io/');
  return ok && !kustomization;
}

/** What makes server-side apply refuse an object read from a resources item. */
function unappliable(v: Json): string | undefined {
  const meta = isObject(v.metadata) ? v.metadata : {};
  if (meta.name === undefined || meta.name === null || meta.name === '') return 'the generated object has no metadata.name';
  if (typeof meta.name !== 'string') return `metadata.name renders as a ${typeof meta.name}, not a string (quote it)`;
  if (meta.namespace !== undefined && meta.namespace !== null && typeof meta.namespace !== 'string') {
    return `metadata.namespace renders as a ${typeof meta.namespace}, not a string (quote it)`;
  }
  if (typeof v.apiVersion !== 'string' || v.apiVersion === '') return 'the generated object has no apiVersion';
  return undefined;
}

function generated(
  v: Json,
  template: TemplatePoint,
  set: InputSet | undefined,
  placeholdersRead: Set<string>,
  sources: () => Map<string, TemplatePoint>,
): GeneratedObject {
  const meta = isObject(v.metadata) ? v.metadata : {};
  const o = {
    value: v,
    apiVersion: str(v.apiVersion) ?? '',
    kind: str(v.kind) ?? '',
    name: str(meta.name) ?? '',
    namespace: str(meta.namespace) || undefined,
    template,
    inputIndex: set?.index,
    placeholders: [...placeholdersRead].sort(),
  } as GeneratedObject;
  let cached: Map<string, TemplatePoint> | undefined;
  Object.defineProperty(o, 'sources', { enumerable: false, get: () => (cached ??= sources()) });
  return o;
}

function withInput(issue: TemplateIssue, set: InputSet | undefined): TemplateIssue {
  if (!set || issue.kind !== 'exec') return issue;
  return { ...issue, message: `${issue.message} (input set ${set.index})` };
}

function outputError(message: string, at: TemplatePoint, set: InputSet | undefined, ctx: Ctx): void {
  ctx.issues.push({ code: 'template-output', severity: 'error', message: set ? `${message} (input set ${set.index})` : message, at });
}

function locateIn(item: Json, path: NodePath, rel: NodePath): TemplatePoint {
  return hasPath(item, rel) ? { path: [...path, ...rel] } : { path };
}

function hasPath(v: unknown, p: NodePath): boolean {
  let cur = v;
  for (const seg of p) {
    if (Array.isArray(cur) && typeof seg === 'number' && seg < cur.length) cur = cur[seg];
    else if (isObject(cur) && typeof seg === 'string' && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return false;
  }
  return true;
}

function walkPaths(v: unknown, path: NodePath, visit: (p: NodePath) => void, depth = 0): void {
  visit(path);
  if (depth > 256) return;
  if (Array.isArray(v)) v.forEach((x, i) => walkPaths(x, [...path, i], visit, depth + 1));
  else if (isObject(v)) for (const k of Object.keys(v)) walkPaths(v[k], [...path, k], visit, depth + 1);
}

/** A template offset in a string → the string's path and the 1-based line and column inside it. */
function pointInString(source: string, offset: number, path: NodePath): TemplatePoint {
  const o = Math.max(0, Math.min(offset, source.length));
  const before = source.slice(0, o);
  const line = before.split('\n').length;
  const column = o - (before.lastIndexOf('\n') + 1) + 1;
  return { path, line, column };
}

/** An offset in a serialized resources item → the scalar it is in, and the line and column inside its value. */
function pointInItem(spans: readonly ScalarSpan[], text: string, offset: number, path: NodePath): TemplatePoint {
  const span = spans.find((s) => offset >= s.start && offset < s.end) ?? spans.find((s) => offset === s.end);
  if (!span) return { path };
  const at: TemplatePoint = { path: [...path, ...span.path], ...(span.key ? { key: true } : {}) };
  const raw = text.slice(span.start, span.end);
  const rel = offset - span.start;
  if (raw.startsWith('|')) {
    // A literal block: line 0 is the header; each later line is a line of the value, indented.
    const upto = raw.slice(0, rel);
    const lineIdx = upto.split('\n').length - 1;
    const lineStart = upto.lastIndexOf('\n') + 1;
    return { ...at, line: Math.max(1, lineIdx), column: Math.max(1, rel - lineStart - (span.indent ?? 0) + 1) };
  }
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  return { ...at, line: 1, column: Math.max(1, rel + (quoted ? 0 : 1)) };
}

function applyMetadata(o: GeneratedObject, owner: { name: string; namespace: string }, common: Json): void {
  const v = o.value;
  const meta = isObject(v.metadata) ? v.metadata : {};
  v.metadata = meta;
  const labels: Json = isObject(meta.labels) ? meta.labels : {};
  labels[OWNER_NAME_LABEL] = owner.name;
  labels[OWNER_NAMESPACE_LABEL] = owner.namespace;
  if (isObject(common.labels)) for (const [k, x] of Object.entries(common.labels)) setOwn(labels, k, String(x));
  meta.labels = labels;
  if (isObject(common.annotations) && Object.keys(common.annotations).length > 0) {
    const ann: Json = isObject(meta.annotations) ? meta.annotations : {};
    for (const [k, x] of Object.entries(common.annotations)) setOwn(ann, k, String(x));
    meta.annotations = ann;
  }
}

/**
 * The file range of a template point: for a block scalar (`|`, `>`), the line and column inside it become the file
 * line and column; for a one-line scalar, the column is added to its start; otherwise the node itself.
 */
export function templatePointRange(doc: YamlDoc, point: TemplatePoint): Range {
  const base = locate({ doc, path: point.path, key: point.key });
  if (point.line === undefined || point.key) return base;
  const node = nodeAt(doc.ast.contents as Node | null, point.path);
  if (!node || !isScalar(node) || !node.range) return base;
  const text = doc.file.text;
  const [start, end] = node.range;
  const type = (node as Scalar).type;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    let lineStart = text.indexOf('\n', start) + 1;
    if (lineStart <= 0) return base;
    let indent: number | undefined;
    for (let l = 1; l < point.line && lineStart < end; l++) {
      const nl = text.indexOf('\n', lineStart);
      if (nl < 0) return base;
      indent ??= firstIndent(text, lineStart, end);
      lineStart = nl + 1;
    }
    indent ??= firstIndent(text, lineStart, end);
    const at = lineStart + indent + (point.column ?? 1) - 1;
    return toRange(doc.file as SourceFile, at, at + 1);
  }
  if (point.line === 1 && (type === 'PLAIN' || type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE')) {
    const quote = type === 'PLAIN' ? 0 : 1;
    const at = start + quote + (point.column ?? 1) - 1;
    if (at < end) return toRange(doc.file as SourceFile, at, at + 1);
  }
  return base;
}

function firstIndent(text: string, from: number, end: number): number {
  let p = from;
  while (p < end) {
    const nl = text.indexOf('\n', p);
    const line = text.slice(p, nl < 0 ? end : nl);
    if (line.trim() !== '') return /^ */.exec(line)![0].length;
    if (nl < 0) break;
    p = nl + 1;
  }
  return 0;
}

function nodeAt(node: Node | null, path: NodePath): Node | null {
  let cur = node;
  for (const seg of path) {
    if (isYamlMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String((p.key as Scalar).value) === String(seg));
      cur = (pair?.value as Node | null) ?? null;
    } else if (cur && 'items' in cur && Array.isArray((cur as { items: unknown[] }).items) && typeof seg === 'number') {
      cur = ((cur as { items: Node[] }).items[seg] as Node | undefined) ?? null;
    } else return null;
    if (!cur) return null;
  }
  return cur;
}
