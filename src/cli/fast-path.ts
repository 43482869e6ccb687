import type { Diagnostic, Severity } from '../model/diagnostic.js';
import type { Summary } from '../engine/lint.js';
import { fromCwd } from '../report/counts.js';
import { format, type FormatName } from '../report/index.js';
import type { Rule } from '../rules/types.js';
import { cacheDir } from '../cache/dir.js';
import { loadRun, runKey, type KeptCluster, type RunEntry } from '../cache/run-entry.js';
import type { Verifier } from '../cache/verify.js';

/** Exit codes (README "Exit codes."): 0 no errors, 1 errors (or too many warnings), 2 usage error. */
const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

/** The rule metadata formats print (SARIF's tool.driver.rules): a Rule without its check. */
export type RuleMeta = Pick<Rule, 'id' | 'severity' | 'description' | 'docs' | 'fixable'>;

/** How the CLI shows a lint result: everything besides the result that the output depends on. */
export interface CliShow {
  format: FormatName;
  quiet: boolean;
  maxWarnings?: number;
  /** False for --no-color. */
  color?: boolean;
  rules: RuleMeta[];
  version: string;
  /** --shard: a shard with no cluster passes (it has nothing to lint by design). */
  shard?: boolean;
  /** File arguments or --changed found no cluster to lint: a pass (see nothingToLint). */
  changed?: boolean;
}

export function ruleMeta(rules: readonly Rule[]): RuleMeta[] {
  return rules.map(({ id, severity, description, docs, fixable }) => ({ id, severity, description, docs, ...(fixable ? { fixable } : {}) }));
}

function wantColor(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  return Boolean(process.stdout.isTTY);
}

/** The counts of what is shown (--quiet hides warnings and infos from the summary line too). */
export function recount(summary: Summary, shown: Diagnostic[]): Summary {
  const n = (s: Severity) => shown.filter((d) => d.severity === s).length;
  return { ...summary, errorCount: n('error'), warningCount: n('warning'), infoCount: n('info'), fixableCount: shown.filter((d) => d.fix).length };
}

/**
 * Prints a lint result the way the CLI does (stdout: the format; stderr: the --max-warnings note) and returns the
 * exit code. The one place a lint run's output is made, whether the result was just computed or cached.
 */
export function printLintResult(diagnostics: Diagnostic[], summary: Summary, show: CliShow): number {
  const nothing = nothingToLint(diagnostics, summary, show);
  if (nothing) {
    process.stderr.write(nothing);
    return EXIT_USAGE;
  }
  const shown = show.quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
  const out = format(show.format, shown, recount(summary, shown), { color: wantColor(show.color), rules: show.rules as Rule[], version: show.version, maxWarnings: show.maxWarnings });
  let exit = EXIT_OK;
  let err = '';
  if (summary.errorCount > 0) exit = EXIT_FINDINGS;
  else if (show.maxWarnings !== undefined && summary.warningCount > show.maxWarnings) {
    err =
      show.format === 'stylish'
        ? `lint-gitops found too many warnings (maximum: ${show.maxWarnings})\n`
        : `lint-gitops: too many warnings (${summary.warningCount}, maximum: ${show.maxWarnings})\n`;
    exit = EXIT_FINDINGS;
  }
  process.stdout.write(out);
  if (err) process.stderr.write(err);
  return exit;
}

/**
 * A run that found no cluster and read no file, and has nothing to say (no finding, not even a limit hit while
 * looking): a usage error, as ESLint's for a pattern that matches no file, so that a mistyped path in CI does not
 * pass forever. Not for --shard (a shard may have no cluster) nor for file arguments no cluster reads (a commit of
 * a README passes). The message, or undefined.
 */
export function nothingToLint(diagnostics: Diagnostic[], summary: Summary, show: Pick<CliShow, 'shard' | 'changed'>): string | undefined {
  if (show.shard || show.changed || summary.filesRead > 0 || diagnostics.length > 0) return undefined;
  const where = summary.clusters.map((c) => fromCwd(c, summary)).join(', ') || summary.root;
  return (
    `lint-gitops: nothing to lint in ${where}: no Flux cluster (a directory whose flux-system/ holds the Kustomization ` +
    'that syncs it) and no kustomization.yaml or YAML manifest below it; check the path\n'
  );
}

const NOT_CACHED = new Set(['--no-cache', '--fix', '-h', '--help', '-v', '--version']);
const SUBCOMMANDS = new Set(['rules', 'explain', 'graph', 'diff', 'help']);

/**
 * The CLI's fast path, tried before anything heavy is imported: when this exact command line ran before in this
 * directory, with this build, and every fact its result depends on still holds (src/cache/journal.ts), print that
 * result. Undefined otherwise (the full CLI runs, and keeps its result for next time). Only lint runs that used
 * the cache ever leave an entry: --no-cache, --fix and subcommands never find one.
 *
 * When only clusters changed (the config, discovery and scope facts hold), the entry is returned: the run can
 * resume from it (resumeRun) without parsing the command line or the config again. What was learnt is handed on
 * either way: `verifier` keeps the answers the disk gave, and `known` the clusters' entries read on the way, so
 * the clusters that did not change are neither read nor checked twice.
 */
export function fastPath(argv: readonly string[], verifier: Verifier, known: Map<string, KeptCluster>): number | RunEntry<CliShow> | undefined {
  // Only lint runs that used the cache leave an entry: do not even look for the others.
  if (argv.some((a) => NOT_CACHED.has(a)) || SUBCOMMANDS.has(argv[0])) return undefined;
  let found;
  try {
    const dir = cacheDir();
    found = loadRun<CliShow>(dir, runKey(dir, argv, process.cwd()), verifier, known);
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  // A run over several roots is not resumed: the full CLI runs (with the clusters read here).
  if (found.holds === 'clusters') return found.entry.roots ? undefined : found.entry;
  try {
    return printLintResult(found.entry.diagnostics, found.entry.summary, found.entry.show);
  } catch {
    // Formatting throws before anything is written: the full CLI takes over.
    return undefined;
  }
}
