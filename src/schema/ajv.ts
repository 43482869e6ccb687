import { createRequire } from 'node:module';
import type { Ajv, Options } from 'ajv';
import { registerFormats } from './formats.js';

const require = createRequire(import.meta.url);

/**
 * Options of every validator, compiled at run time or precompiled by
 * scripts/generate-schemas.mjs (ajv standalone code): keep them identical.
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  // parentSchema/schema in errors: allowed keys for unknown fields, oneOf alternatives
  verbose: true,
  strict: false,
  allowUnionTypes: true,
  validateSchema: false,
  addUsedSchema: false,
  messages: true,
  // every $ref its own function: with splitForCompile (split.ts), V8 then compiles only what an object reaches
  inlineRefs: false,
  // ajv's code optimisation pass roughly doubles compile time of the large
  // CRD schemas and buys little for one-shot lint runs
  code: { optimize: false },
};

/**
 * An ajv instance with the runtime's options and formats. ajv is loaded here,
 * on first use, not at import: every bundled kind ships precompiled, so most
 * runs never compile a schema (only CRDs of the linted tree that differ from
 * the bundled ones do).
 */
export function createAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra, code: { ...AJV_OPTIONS.code, ...extra.code } });
  registerFormats(ajv);
  return ajv;
}
