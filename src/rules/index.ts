import { crossNamespaceRef } from './cross-namespace-ref.js';
import { deprecatedApi } from './deprecated-api.js';
import { dependencyCycle } from './dependency-cycle.js';
import { dependencyMissing } from './dependency-missing.js';
import { dependencyReadiness } from './dependency-readiness.js';
import { duplicateResource } from './duplicate-resource.js';
import { fileUnreadable } from './file-unreadable.js';
import { implicitDependency } from './implicit-dependency.js';
import { kustomizeBuild } from './kustomize-build.js';
import { kustomizeCycle } from './kustomize-cycle.js';
import { limitExceeded } from './limit-exceeded.js';
import { manifestShape } from './manifest-shape.js';
import { pathNotFound } from './path-not-found.js';
import { pathOutsideRoot } from './path-outside-root.js';
import { plaintextSecret } from './plaintext-secret.js';
import { refNotFound } from './ref-not-found.js';
import { schema } from './schema.js';
import { schemaMissing } from './schema-missing.js';
import { schemaUnknownField } from './schema-unknown-field.js';
import { remoteResource } from './remote-resource.js';
import { sourceNotFound } from './source-not-found.js';
import { sourceNotLocal } from './source-not-local.js';
import { sourceRoot } from './source-root.js';
import { resourceSet } from './resourceset.js';
import { substitutionInvalid } from './substitution-invalid.js';
import { substitutionUndefined } from './substitution-undefined.js';
import { suspended } from './suspended.js';
import type { Rule } from './types.js';
import { unreferencedFile } from './unreferenced-file.js';
import { yamlDuplicateKey } from './yaml-duplicate-key.js';
import { yamlSyntax } from './yaml-syntax.js';
import { unusedSuppression } from './unused-suppression.js';

export type { Rule, RuleScope, RuleContext, RuleDocs, RuleOptions, RuleSetting, ReportOptions, At, FileSpan, FileStart, Preset } from './types.js';
export { PRESETS, DEFAULT_PRESET, presetSetting, runsPerCluster, runsPerRun } from './types.js';

/** Every rule, in the order README and `lint-gitops rules` list them. */
export const rules: readonly Rule[] = [
  yamlSyntax,
  yamlDuplicateKey,
  fileUnreadable,
  manifestShape,
  schema,
  schemaUnknownField,
  schemaMissing,
  deprecatedApi,
  pathNotFound,
  pathOutsideRoot,
  kustomizeCycle,
  kustomizeBuild,
  limitExceeded,
  dependencyMissing,
  dependencyCycle,
  implicitDependency,
  dependencyReadiness,
  suspended,
  sourceNotFound,
  refNotFound,
  crossNamespaceRef,
  duplicateResource,
  resourceSet,
  substitutionUndefined,
  substitutionInvalid,
  plaintextSecret,
  remoteResource,
  sourceNotLocal,
  sourceRoot,
  unreferencedFile,
  unusedSuppression,
];

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
