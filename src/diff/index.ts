import type { Diagnostic } from '../model/diagnostic.js';
import type { LintOptions, Summary } from '../engine/lint.js';
import type { BaseLabel, DiffResult } from '../model/diff.js';
import type { BaseSpec } from '../git/base.js';
import { matchFindings } from './findings.js';
import { diffResult } from './result.js';
import { compare } from './run.js';

export type { BaseSpec } from '../git/base.js';
export type { ChangedPath } from '../git/worktree.js';
export type {
  BaseLabel,
  Change,
  ClusterDiff,
  Counts,
  DiffNode,
  DiffResult,
  DiffSummary,
  Edge,
  FieldChange,
  FileChange,
  GraphDiff,
  HelmReleaseChange,
  KustomizationDiff,
  ObjectDiff,
  ObjectId,
  Pair,
  Status,
} from '../model/diff.js';
export type { FindingsChange } from './findings.js';
export { matchFindings } from './findings.js';
export { compare, type CompareOptions, type Comparison } from './run.js';

export interface DiffOptions extends LintOptions {
  base: BaseSpec;
  /** False: lint every cluster of the base, even those the change cannot reach (the result is the same). */
  reuse?: boolean;
}

/**
 * What a change does: the working tree (`paths`, as lint() takes them) against a base, a git revision read with a
 * pure-JavaScript git (`{ ref: 'main' }`) or another checkout (`{ dir: '../base' }`), both linted with the same
 * options. Per cluster and Flux Kustomization: objects added, removed and changed (field by field, secret values
 * never included), HelmRelease chart, version and values, dependsOn graph changes; and the findings introduced and
 * resolved. A revision the repository does not have (a shallow clone) is a UsageError that names the fix.
 */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  return diffResult(await compare(options));
}

export interface NewOnlyResult {
  /** Findings the base did not have (matched by rule, object and message; src/diff/findings.ts). */
  diagnostics: Diagnostic[];
  /** The head's findings the base had too. */
  unchanged: Diagnostic[];
  /** The base's findings the head no longer has. */
  absent: Diagnostic[];
  /** The head's summary, counting only the new findings. */
  summary: Summary;
  base: BaseLabel;
}

/** `--new-only`: lint() of the working tree, reporting only what the base did not already have. */
export async function lintNewOnly(options: LintOptions & { base: BaseSpec; reuse?: boolean }): Promise<NewOnlyResult> {
  const c = await compare({ ...options, models: false });
  const m = matchFindings(c.base.run.diagnostics, c.base.files, c.head.run.diagnostics, c.head.files);
  const n = (s: Diagnostic['severity']) => m.introduced.filter((d) => d.severity === s).length;
  return {
    diagnostics: m.introduced,
    unchanged: m.unchanged,
    absent: m.resolved,
    summary: { ...c.head.run.summary, errorCount: n('error'), warningCount: n('warning'), infoCount: n('info'), fixableCount: m.introduced.filter((d) => d.fix).length },
    base: c.label,
  };
}
