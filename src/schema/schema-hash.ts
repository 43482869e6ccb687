import { createHash } from 'node:crypto';
import { sortKeysDeep, type JsonObject } from './convert.js';

/**
 * What scripts/generate-schemas.mjs records as `schemaHash` in index.json: the schema without its $comment, keys
 * sorted. A CRD of the linted tree whose converted schema hashes the same is the bundled one, so it keeps the
 * bundled precompiled validator; nothing has to read or compare the bundled file.
 */
export function schemaHash(schema: JsonObject): string {
  return createHash('sha256')
    .update(JSON.stringify(sortKeysDeep({ ...schema, $comment: undefined })))
    .digest('hex');
}
