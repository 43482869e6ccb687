import { isObject } from '../model/objects.js';
/**
 * CustomResourceDefinition → strict JSON schema conversion.
 *
 * This module is shared by the runtime (SchemaRegistry.addCrd) and by
 * scripts/generate-schemas.mjs, which transpiles this very file with the
 * TypeScript compiler and imports it. Keep it self-contained: no imports
 * (type-only imports would be fine), no Node APIs.
 *
 * The conversion follows what the Kubernetes API server does with a
 * structural schema:
 *  - an object schema that lists `properties` rejects (with strict field
 *    validation) or prunes every other field, so it gets
 *    `additionalProperties: false` unless it sets
 *    `x-kubernetes-preserve-unknown-fields: true` or its own
 *    `additionalProperties`;
 *  - `x-kubernetes-int-or-string: true` accepts an integer or a string;
 *  - `x-kubernetes-embedded-resource: true` accepts apiVersion, kind and a
 *    standard metadata;
 *  - `nullable: true` accepts null;
 *  - formats the API server does not know are ignored;
 *  - CEL rules (`x-kubernetes-validations`), list/map types and
 *    descriptions are not carried over.
 */

export type JsonObject = { [key: string]: unknown };

/** Formats the runtime registers with ajv. Any other format is dropped. */
export const KNOWN_FORMATS: readonly string[] = [
  'byte',
  'cidr',
  'date',
  'date-time',
  'datetime',
  'double',
  'duration',
  'email',
  'float',
  'hostname',
  'int32',
  'int64',
  'ipv4',
  'ipv6',
  'mac',
  'password',
  'uri',
  'uuid',
];

/** Name of the ObjectMeta definition inside every generated schema. */
export const OBJECT_META_DEF = 'meta.v1.ObjectMeta';
export const OBJECT_META_REF = `#/definitions/${OBJECT_META_DEF}`;

export interface ConvertedVersion {
  group: string;
  version: string;
  kind: string;
  plural: string | null;
  namespaced: boolean;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning: string | null;
  /** Strict JSON schema (draft-07) including `definitions` for ObjectMeta. */
  schema: JsonObject;
}

export interface ConvertResult {
  versions: ConvertedVersion[];
  /** Problems with the CRD itself (human sentences). */
  issues: string[];
}

/** Keys of an OpenAPI v3 schema node that are copied unchanged. */
const PLAIN_KEYS = new Set([
  'type',
  'enum',
  'const',
  'default',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
  'title',
]);

interface NodeCtx {
  /** inside allOf/anyOf/oneOf/not: value validation only, never add additionalProperties */
  inJunctor: boolean;
  /** CRD-wide preserveUnknownFields (apiextensions v1beta1 default) */
  lenient: boolean;
}

/**
 * Convert one OpenAPI v3 schema node (as found in a CRD) to a strict
 * draft-07 JSON schema node.
 */
export function convertNode(node: unknown, ctx: NodeCtx): JsonObject {
  if (!isObject(node)) return {};
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern') {
      // Go RE2 syntax JavaScript cannot compile would break the whole schema
      if (typeof value === 'string' && isValidRegExp(value)) out.pattern = value;
    } else if (PLAIN_KEYS.has(key)) {
      out[key] = value;
    } else if (key === 'format') {
      if (typeof value === 'string' && KNOWN_FORMATS.includes(value)) out.format = value;
    } else if (key === 'properties' && isObject(value)) {
      const props: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) props[name] = convertNode(sub, ctx);
      out.properties = props;
    } else if (key === 'patternProperties' && isObject(value)) {
      const props: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) if (isValidRegExp(name)) props[name] = convertNode(sub, ctx);
      out.patternProperties = props;
    } else if (key === 'items') {
      if (Array.isArray(value)) out.items = value.map((v) => convertNode(v, ctx));
      else if (isObject(value)) out.items = convertNode(value, ctx);
    } else if (key === 'additionalProperties') {
      if (typeof value === 'boolean') out.additionalProperties = value;
      else if (isObject(value)) out.additionalProperties = convertNode(value, ctx);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((v) => convertNode(v, { ...ctx, inJunctor: true }));
    } else if (key === 'not' && isObject(value)) {
      out.not = convertNode(value, { ...ctx, inJunctor: true });
    }
    // everything else (description, example, externalDocs, x-kubernetes-*,
    // nullable, $schema, id, ...) is dropped or handled below
  }

  if (node['x-kubernetes-int-or-string'] === true) {
    // controller-gen emits anyOf: [{type: integer}, {type: string}]; replace
    // it by a plain type list so errors read "must be an integer or a string"
    for (const j of ['anyOf', 'oneOf'] as const) {
      const alts = out[j];
      if (Array.isArray(alts) && alts.every((a) => isObject(a) && isIntOrStringAlt(a))) delete out[j];
    }
    out.type = ['integer', 'string'];
  }

  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node['x-kubernetes-embedded-resource'] === true) {
    const props = isObject(out.properties) ? out.properties : {};
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: OBJECT_META_REF },
      ...props,
    };
    out.type = 'object';
  }

  if (node['x-kubernetes-list-type'] === 'set' && out.uniqueItems === undefined) out.uniqueItems = true;

  if (
    isObject(out.properties) &&
    !preserve &&
    !ctx.lenient &&
    !ctx.inJunctor &&
    out.additionalProperties === undefined &&
    (out.type === undefined || out.type === 'object')
  ) {
    out.additionalProperties = false;
  }

  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

function isIntOrStringAlt(a: JsonObject): boolean {
  const keys = Object.keys(a);
  return keys.length === 1 && (a.type === 'integer' || a.type === 'string');
}

/**
 * Build the top-level schema of a custom resource from its
 * openAPIV3Schema: strict standard metadata, apiVersion/kind always allowed.
 */
export function convertRootSchema(
  openAPIV3Schema: unknown,
  metaDefinitions: JsonObject,
  opts: { lenient?: boolean; comment?: string } = {},
): JsonObject {
  const ctx: NodeCtx = { inJunctor: false, lenient: opts.lenient === true };
  const root = isObject(openAPIV3Schema)
    ? convertNode(openAPIV3Schema, ctx)
    : { type: 'object', 'x-no-schema': true };
  const noSchema = root['x-no-schema'] === true;
  delete root['x-no-schema'];
  const props: JsonObject = isObject(root.properties) ? { ...root.properties } : {};
  const metaSource = isObject(openAPIV3Schema) && isObject(openAPIV3Schema.properties)
    ? (openAPIV3Schema.properties as JsonObject).metadata
    : undefined;
  if (isObject(metaSource) && isObject(metaSource.properties)) {
    // the CRD constrains metadata further (e.g. a maxLength on name):
    // keep those constraints, but the field set is ObjectMeta's
    const extra = convertNode(metaSource, { inJunctor: true, lenient: true });
    delete extra.type;
    props.metadata = { allOf: [{ $ref: OBJECT_META_REF }, extra] };
  } else {
    props.metadata = { $ref: OBJECT_META_REF };
  }
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  root.type = 'object';
  root.properties = props;
  const preserve = isObject(openAPIV3Schema) && openAPIV3Schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (!noSchema && !preserve && !opts.lenient && root.additionalProperties === undefined) {
    root.additionalProperties = false;
  }
  const out: JsonObject = {};
  if (opts.comment) out.$comment = opts.comment;
  Object.assign(out, root);
  out.definitions = { ...(isObject(root.definitions) ? root.definitions : {}), ...metaDefinitions };
  return out;
}

/**
 * Convert a CustomResourceDefinition object (apiextensions.k8s.io/v1 or
 * v1beta1) to one strict schema per version.
 */
export function convertCrd(
  crd: unknown,
  metaDefinitions: JsonObject,
  commentFor?: (group: string, version: string, kind: string) => string,
): ConvertResult {
  const issues: string[] = [];
  const versions: ConvertedVersion[] = [];
  if (!isObject(crd)) return { versions, issues: ['CustomResourceDefinition is not an object'] };
  const apiVersion = typeof crd.apiVersion === 'string' ? crd.apiVersion : '';
  const spec = crd.spec;
  if (!isObject(spec)) return { versions, issues: ['CustomResourceDefinition has no spec'] };
  const group = typeof spec.group === 'string' ? spec.group : '';
  const names = isObject(spec.names) ? spec.names : {};
  const kind = typeof names.kind === 'string' ? names.kind : '';
  const plural = typeof names.plural === 'string' ? names.plural : null;
  if (!group) issues.push('spec.group is missing');
  if (!kind) issues.push('spec.names.kind is missing');
  if (!group || !kind) return { versions, issues };
  const namespaced = spec.scope !== 'Cluster';
  const v1beta1 = apiVersion === 'apiextensions.k8s.io/v1beta1';
  // v1beta1 CRDs keep unknown fields unless preserveUnknownFields is false
  const lenient = spec.preserveUnknownFields === true || (v1beta1 && spec.preserveUnknownFields !== false);
  const topSchema = isObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;

  let list: unknown[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (list.length === 0 && typeof spec.version === 'string') {
    list = [{ name: spec.version, served: true, storage: true }];
  }
  if (list.length === 0) issues.push('spec.versions is empty');
  for (const [i, v] of list.entries()) {
    if (!isObject(v) || typeof v.name !== 'string' || v.name === '') {
      issues.push(`spec.versions[${i}].name is missing`);
      continue;
    }
    const vSchema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    const openAPIV3Schema = vSchema ?? topSchema;
    if (openAPIV3Schema === undefined && !v1beta1) {
      issues.push(`spec.versions[${i}] (${v.name}) has no schema.openAPIV3Schema`);
    }
    const comment = commentFor?.(group, v.name, kind);
    versions.push({
      group,
      version: v.name,
      kind,
      plural,
      namespaced,
      served: v.served !== false,
      storage: v.storage === true,
      deprecated: v.deprecated === true,
      deprecationWarning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : null,
      schema: convertRootSchema(openAPIV3Schema, metaDefinitions, { lenient, comment }),
    });
  }
  return { versions, issues };
}

/** Recursively sort object keys (arrays keep their order) for deterministic output. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep(value[key]);
    return out;
  }
  return value;
}

/**
 * A schema of the community CRDs catalog (kubeconform's layout: what openapi2jsonschema made of a CRD's
 * openAPIV3Schema) converted as the CRD's own would be, without ObjectMeta's definitions (the caller adds them).
 * The catalog's strict mode wrote `additionalProperties: false` into every object, also where the CRD keeps
 * unknown fields (x-kubernetes-preserve-unknown-fields); a structural schema cannot say `false` itself, so each
 * such `false` is dropped and convertNode decides again, as the API server would.
 */
export function convertCatalogSchema(written: unknown): JsonObject {
  const schema = convertRootSchema(withoutFalseAdditional(written), {});
  delete schema.definitions;
  return schema;
}

function withoutFalseAdditional(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutFalseAdditional);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'additionalProperties' && v === false) continue;
    // property names are data: a property called additionalProperties keeps its schema
    out[k] = k === 'properties' && isObject(v) ? Object.fromEntries(Object.entries(v).map(([n, sub]) => [n, withoutFalseAdditional(sub)])) : withoutFalseAdditional(v);
  }
  return out;
}
