import { isObject } from '../model/objects.js';
/**
 * A CRD schema is one tree without definitions, and ajv compiles it into one JavaScript function: 2.4 MB for an
 * external-secrets SecretStore, which V8 compiles as a whole the first time it is called (130-180 ms), however
 * little of it an object uses, and which a code cache then has to hold whole. Moving every large subschema into
 * `definitions` and referring to it makes ajv write one function per subschema (with `inlineRefs: false`), so V8
 * compiles only the functions an object's fields reach: a SecretStore of one provider compiles that provider.
 *
 * What a validator reports stays the same, by construction and by test (test/schema/split.test.ts compares every
 * issue with a compile of the schema as written):
 *  - only subschemas reached through `properties`, `items` and `additionalProperties` move, never a branch of
 *    anyOf/oneOf/allOf/not (messages.ts groups the errors of a branch by their schemaPath under the junctor's, and
 *    an error and its junctor always end up in the same function);
 *  - a moved subschema is replaced by a bare `$ref`, so no sibling keyword changes meaning; errors keep their
 *    instancePath, keyword, params, schema and parentSchema (equal objects), and come in the same order;
 *  - references inside a moved subschema are to the root's definitions and resolve as before.
 *
 * Shared by the runtime and scripts/generate-schemas.mjs (which transpiles this file): no imports.
 */

type Json = { [key: string]: unknown };

/** Subschemas whose JSON (after their own large parts moved) is at least this long get their own function. */
export const SPLIT_MIN_CHARS = 500;
const PREFIX = 'lint-gitops.split.';

const isSchemaObject = isObject as (v: unknown) => v is Json;

export function splitForCompile(schema: Json, minChars = SPLIT_MIN_CHARS): Json {
  const definitions: Json = isSchemaObject(schema.definitions) ? { ...schema.definitions } : {};
  let n = 0;
  const move = (sub: unknown): unknown => {
    if (!isSchemaObject(sub) || '$ref' in sub) return sub;
    const inner = walk(sub);
    if (JSON.stringify(inner).length < minChars) return inner;
    let name: string;
    do name = `${PREFIX}${n++}`;
    while (name in definitions);
    definitions[name] = inner;
    return { $ref: `#/definitions/${name}` };
  };
  /** The schema with its large property, item and additional-property schemas moved (not the schema itself). */
  const walk = (s: Json): Json => {
    const out: Json = { ...s };
    if (isSchemaObject(s.properties)) {
      const props: Json = {};
      for (const [k, v] of Object.entries(s.properties)) props[k] = move(v);
      out.properties = props;
    }
    if (isSchemaObject(s.items)) out.items = move(s.items);
    if (isSchemaObject(s.additionalProperties)) out.additionalProperties = move(s.additionalProperties);
    return out;
  };
  const root = walk(schema);
  if (n === 0) return schema;
  root.definitions = definitions;
  return root;
}
