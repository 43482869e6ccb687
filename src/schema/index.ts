export {
  SchemaRegistry,
  bundledSchemasDir,
  compareVersions,
  compileTimes,
  validatorOrigins,
  validatorStats,
  indexKey,
  type IndexEntry,
  type ValidationResult,
  type ValidateOptions,
} from './registry.js';
export { formatPath, closestKey, type SchemaIssue } from './messages.js';
export { AJV_OPTIONS, createAjv } from './ajv.js';
export { convertCrd, type ConvertedVersion, type ConvertResult } from './convert.js';
export { FLUX_GROUPS, FLUX_RELEASES, fluxRelease, removedIn, resolveFluxVersion, servedBy, type FluxRelease, type ResolvedFluxVersion } from './flux-releases.js';
export {
  MAX_OBJECTS_WITH_KEPT_RESULTS,
  pinnedVersions,
  pinsFor,
  schemaContext,
  where,
  type ApiStatus,
  type PinnedVersion,
  type SchemaCache,
  type SchemaContext,
  type SchemaTarget,
  type WrittenDoc,
} from './context.js';
