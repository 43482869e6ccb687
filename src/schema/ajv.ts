import { Ajv, type Options } from 'ajv';
import { registerFormats } from './formats.js';

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
  // ajv's code optimisation pass roughly doubles compile time of the large
  // CRD schemas and buys little for one-shot lint runs
  code: { optimize: false },
};

export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra, code: { ...AJV_OPTIONS.code, ...extra.code } });
  registerFormats(ajv);
  return ajv;
}
