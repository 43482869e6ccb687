export {
  SchemaRegistry,
  bundledSchemasDir,
  compareVersions,
  compileTimes,
  indexKey,
  splitApiVersion,
  type IndexEntry,
  type ValidationResult,
} from './registry.js';
export { formatPath, closestKey, type SchemaIssue } from './messages.js';
export { convertCrd, type ConvertedVersion, type ConvertResult } from './convert.js';
