import path from 'node:path';
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic, type Severity } from './diagnostic.js';
import { loadRepo, locate, toRange, type LoadOptions, type RepoModel, type RootReason } from './load/index.js';
import { rules as allRules, type At, type Rule, type RuleOptions } from './rules/index.js';
import { dropIgnored } from './config/ignore.js';
import { applySuppressions, unusedSuppression } from './suppress.js';

export type RuleSetting = Severity | 'off';

export interface LintOptions extends LoadOptions, RuleOptions {
  /** Per-rule severity overrides, or 'off'. */
  rules?: Record<string, RuleSetting>;
  /** Globs (repo-relative) of files whose findings are dropped (config `ignore`). */
  ignore?: string[];
  /** Rules to run instead of the built-in set (tests, editors). */
  ruleSet?: readonly Rule[];
}

export interface Summary {
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fixableCount: number;
  /** Repo root relative to the working directory, and how it was chosen. */
  root: string;
  rootReason: RootReason;
  clusters: string[];
  filesRead: number;
  objects: number;
  fluxKustomizations: number;
  fluxVersions: string[];
}

export interface LintResult {
  diagnostics: Diagnostic[];
  summary: Summary;
  model: RepoModel;
}

/** Loads the repository and runs every enabled rule over the model. */
export function lint(options: LintOptions): LintResult {
  const model = loadRepo(options);
  const ruleSet = options.ruleSet ?? allRules;
  const settings = options.rules ?? {};
  const found = runRules(model, ruleSet, settings, { crossNamespacePolicy: options.crossNamespacePolicy, external: options.external });
  // Inline `# lint-gitops-disable...` comments, then the config's ignore globs (src/suppress.ts, src/config/ignore.ts).
  const ran = new Set(ruleSet.filter((r) => settings[r.id] !== 'off').map((r) => r.id));
  const unused = ran.has(unusedSuppression.id) ? (settings[unusedSuppression.id] as Severity | undefined) ?? unusedSuppression.severity : undefined;
  const known = new Set([...allRules, ...ruleSet].map((r) => r.id));
  const diagnostics = sortDiagnostics(dropIgnored(applySuppressions(model, found, ran, known, unused), options.ignore));
  return { diagnostics, summary: summarize(model, diagnostics, options.cwd ?? process.cwd()), model };
}

export function runRules(model: RepoModel, ruleSet: readonly Rule[], settings: Record<string, RuleSetting>, ruleOptions: RuleOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of ruleSet) {
    const setting = settings[rule.id];
    if (setting === 'off') continue;
    rule.check({
      model,
      options: ruleOptions,
      report(at, message, opts) {
        const severity = setting ?? opts?.severity ?? rule.severity;
        out.push({ ruleId: rule.id, severity, message, ...position(at), ...(opts?.fix ? { fix: opts.fix } : {}) });
      },
    });
  }
  return sortDiagnostics(dedupeDiagnostics(out));
}

function position(at: At): Pick<Diagnostic, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'> {
  if ('doc' in at) {
    const r = locate(at);
    return { file: at.doc.file.path, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
  }
  if ('file' in at) {
    const r = toRange(at.file, at.start, at.end);
    return { file: at.file.path, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
  }
  return { file: at.path, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function summarize(model: RepoModel, diagnostics: Diagnostic[], cwd: string): Summary {
  const count = (s: Severity) => diagnostics.filter((d) => d.severity === s).length;
  let objects = 0;
  let fluxKustomizations = 0;
  for (const c of model.clusters) {
    objects += c.objects.length;
    fluxKustomizations += c.kustomizations.size;
  }
  return {
    errorCount: count('error'),
    warningCount: count('warning'),
    infoCount: count('info'),
    fixableCount: diagnostics.filter((d) => d.fix).length,
    root: path.relative(cwd, model.root).split(path.sep).join('/') || '.',
    rootReason: model.rootReason,
    clusters: model.clusters.map((c) => c.dir),
    filesRead: [...model.files.values()].filter((f) => f.roles.size > 0).length,
    objects,
    fluxKustomizations,
    fluxVersions: model.fluxVersions,
  };
}
