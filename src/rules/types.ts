import type { Severity, TextEdit } from '../diagnostic.js';
import type { ExternalObject } from '../config/external.js';
import type { Location, RepoModel, SourceFile } from '../load/index.js';

/** A span of a file given by byte offsets, for findings that are not tied to a YAML node (syntax errors). */
export interface FileSpan {
  file: SourceFile;
  start: number;
  end: number;
}

/** The start of a file that may not have been read (an unreferenced file). */
export interface FileStart {
  path: string;
}

export type At = Location | FileSpan | FileStart;

export interface ReportOptions {
  fix?: TextEdit;
  /** This finding's severity when it differs from the rule's default (a user's per-rule setting still wins). */
  severity?: Severity;
}

/** Settings that change what rules report (from the library options; the config file feeds them too). */
export interface RuleOptions {
  /** How cross-namespace references that the controllers accept are reported (`cross-namespace-ref`); default 'warn'. */
  crossNamespacePolicy?: 'allow' | 'warn' | 'deny';
  /**
   * Objects that exist in the cluster without being in git (config `external`: a Secret from `flux bootstrap` or
   * SOPS, one made by hand). A reference rule treats a reference to one as resolved: `isExternal()` from
   * src/config/external.ts matches kind, name and namespace (an entry without namespace matches any).
   */
  external?: readonly ExternalObject[];
}

export interface RuleContext {
  model: RepoModel;
  options: RuleOptions;
  /** Records a finding; the runner turns the location into file/line/column. */
  report(at: At, message: string, options?: ReportOptions): void;
}

export interface RuleDocs {
  /** Why this matters when Flux reconciles. */
  why: string;
  /** A short YAML example that triggers the rule, and its corrected form. */
  wrong?: string;
  right?: string;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** One sentence: what the rule catches. */
  description: string;
  docs: RuleDocs;
  /** True when findings carry a fix that `--fix` can apply. */
  fixable?: boolean;
  check(context: RuleContext): void;
}
