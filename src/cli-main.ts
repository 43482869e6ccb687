/** The CLI (src/cli.ts runs it when the result cache's fast path has no answer). */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Severity } from './diagnostic.js';
import { lint, type RuleSetting } from './lint.js';
import { UsageError } from './load/index.js';
import { graph as loadGraph } from './graph/waves.js';
import { formatGraphDot } from './report/graph-dot.js';
import { formatGraphJson } from './report/graph-json.js';
import { formatGraphMermaid } from './report/graph-mermaid.js';
import { formatGraphTable } from './report/graph-table.js';
import { affectedClusters } from './changed.js';
import { configToOptions, resolveConfig } from './config/index.js';
import { lintAndFix, type AppliedFix } from './fix.js';
import type { LintResult, Summary } from './lint.js';
import { FORMATS, type FormatName } from './report/index.js';
import { ruleById, rules } from './rules/index.js';
import { printLintResult, ruleMeta, type CliShow } from './cache/cli.js';
import { Journal, host, recording } from './cache/journal.js';
import { lintCached, type CacheContext } from './cache/run.js';
import { runKey, saveRun } from './cache/run-entry.js';
import { cacheDir as userCacheDir } from './cache/dir.js';
import { DIFF_FORMATS, baseSpec, markdownLimit, runDiff, runNewOnly, type DiffFlags } from './diff/cli.js';

/** Exit codes (DEVELOPERS.md): 0 no errors, 1 errors (or too many warnings), 2 usage or internal error. */
const EXIT_OK = 0;
const EXIT_USAGE = 2;

const version = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function shardArg(value: string): { index: number; count: number } {
  const m = value.match(/^(\d+)\/(\d+)$/);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) throw new InvalidArgumentError('expected i/n with 1 <= i <= n, e.g. 2/4');
  return { index, count };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function ruleSetting(value: string, previous: Record<string, RuleSetting> = {}): Record<string, RuleSetting> {
  const m = value.match(/^([a-z0-9-]+)=(error|warning|info|off)$/);
  if (!m) throw new InvalidArgumentError('expected RULE=error|warning|info|off');
  if (!ruleById(m[1])) throw new InvalidArgumentError(`unknown rule '${m[1]}' (see: lint-gitops rules)`);
  return { ...previous, [m[1]]: m[2] as RuleSetting };
}

interface LintFlags {
  format: FormatName;
  root?: string;
  quiet?: boolean;
  maxWarnings?: number;
  color?: boolean;
  rule?: Record<string, RuleSetting>;
  shard?: { index: number; count: number };
  /** --crds: CRD directories or files installed outside git (repeatable). */
  crds?: string[];
  /** False for --no-cache. */
  cache?: boolean;
  /** A file, or false for --no-config. */
  config?: string | false;
  fix?: boolean;
  changed?: boolean;
  /** --new-only with --base REF or --base-dir DIR (src/diff/cli.ts). */
  newOnly?: boolean;
  base?: string;
  baseDir?: string;
}

function runLint(paths: string[], flags: LintFlags, argv: string[], cache: Omit<CacheContext, 'journal'>): number | Promise<number> {
  const cwd = process.cwd();
  const newOnly = flags.newOnly || flags.base !== undefined || flags.baseDir !== undefined ? baseSpec(flags, '--new-only') : undefined;
  if (newOnly && !flags.newOnly) throw new UsageError('--base and --base-dir compare findings with --new-only (or run `lint-gitops diff`)');
  if (newOnly && flags.fix) throw new UsageError('--new-only cannot be combined with --fix');
  let lintPaths = paths;
  let root = flags.root;
  // The result cache (src/cache/): what the run reads before linting is recorded too (file arguments, the
  // clusters they select, the config file), so a re-run can tell from the disk alone that nothing changed.
  const cacheDir = flags.cache !== false ? userCacheDir() : undefined;
  const cacheResults = cacheDir !== undefined && !flags.fix;
  const facts = new Journal();
  const gather = <T>(fn: () => T): T => (cacheResults ? recording(facts, fn) : fn());
  const show: CliShow = { format: flags.format, quiet: Boolean(flags.quiet), maxWarnings: flags.maxWarnings, color: flags.color, rules: ruleMeta(rules), version };
  // File arguments (pre-commit passes the staged files) or --changed: lint only the clusters that read them.
  if (flags.changed || paths.some((p) => gather(() => host.isFile(p)))) {
    const selection = gather(() => affectedClusters(paths, { root: flags.root, cwd }));
    if (selection.clusters.length === 0) {
      process.stderr.write('lint-gitops: no cluster reads the given files; nothing to lint\n');
      return printLintResult([], emptySummary(selection.root, cwd), show);
    }
    lintPaths = selection.clusters.map((c) => path.join(selection.root, c));
    root = selection.root;
  }
  const { config } = gather(() => resolveConfig({ paths: lintPaths, root, cwd, config: flags.config, rules }));
  const fromConfig = configToOptions(config);
  const options = { ...fromConfig, paths: lintPaths, root, cwd, shard: flags.shard, crdPaths: flags.crds, cache: cacheDir ?? false, rules: { ...fromConfig.rules, ...flags.rule } };
  let result: Pick<LintResult, 'diagnostics' | 'summary'>;
  if (newOnly) return runNewOnly(options, newOnly, show);
  if (flags.fix) {
    // --fix never reads or writes cached results: it must see the files as they are after each pass.
    const fixing = lintAndFix(options);
    result = fixing.result;
    process.stderr.write(fixReport(fixing.fixed, fixing.files));
  } else if (cacheResults) {
    const cached = lintCached(options, cacheDir!, { ...cache, journal: facts });
    saveRun(cacheDir!, runKey(cacheDir!, argv, cwd), cached, show);
    result = cached;
  } else {
    result = lint({ ...options, model: false });
  }
  return printLintResult(result.diagnostics, result.summary, show);
}

function emptySummary(root: string, cwd: string): Summary {
  return {
    errorCount: 0,
    warningCount: 0,
    infoCount: 0,
    fixableCount: 0,
    root: path.relative(cwd, root).split(path.sep).join('/') || '.',
    rootReason: 'option',
    clusters: [],
    filesRead: 0,
    objects: 0,
    fluxKustomizations: 0,
    fluxVersions: [],
    sourceRoots: [],
  };
}

/** What --fix changed, on stderr so stdout stays the chosen format. */
function fixReport(fixed: AppliedFix[], files: string[]): string {
  if (fixed.length === 0) return 'lint-gitops --fix: nothing to fix\n';
  const lines = [`lint-gitops --fix: fixed ${fixed.length} problem${fixed.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`];
  for (const f of fixed) lines.push(`  ${f.file}:${f.line}:${f.column}  ${f.message}  ${f.ruleId}`);
  return lines.join('\n') + '\n';
}

const severityWidth = Math.max(...(['error', 'warning', 'info'] as Severity[]).map((s) => s.length));

export function main(argv: string[], cache: Omit<CacheContext, 'journal'> = {}): number | Promise<number> {
  let exitCode: number | Promise<number> = EXIT_OK;
  const program = new Command();
  program
    .name('lint-gitops')
    .description('Offline linter and dependency-graph validator for Flux CD GitOps repositories.')
    .version(version, '-v, --version')
    .argument('[paths...]', 'cluster directories, or directories holding clusters; files: lint the clusters that read them', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('stylish'))
    .option('--root <dir>', 'repository root that Flux paths are relative to (default: detected)')
    .option('-c, --config <file>', 'config file (default: .lint-gitops.yaml, .lint-gitops.yml or package.json "lint-gitops" at the repo root)')
    .option('--no-config', 'ignore config files')
    .option('--fix', 'apply the fixes rules offer (comments and formatting are kept), then report what is left')
    .option('--changed', 'the paths are changed files (deleted ones too): lint only the clusters whose build reads them')
    .option('-q, --quiet', 'report errors only')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', nonNegativeInt)
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .option('--rule <rule=severity>', 'override a rule: error, warning, info or off (repeatable)', ruleSetting)
    .option('--shard <i/n>', 'lint only every n-th cluster starting at the i-th (split a monorepo across CI jobs)', shardArg)
    .option('--crds <dir>', 'CustomResourceDefinitions installed outside git (a directory or file of YAML): their kinds are validated too (repeatable)', collect)
    .option('--no-cache', 'do not keep parse and lint results between runs (default: in the user cache directory, or $LINT_GITOPS_CACHE_DIR)')
    .option('--new-only', 'report only findings the base (--base or --base-dir) did not have, matched by rule, object and message')
    .option('--base <ref>', 'with --new-only: the git revision to compare with (a branch, tag or commit, ~N and ^N allowed)')
    .option('--base-dir <dir>', 'with --new-only: a checkout of the base to compare with')
    // Program options before a subcommand only, so `graph --format mermaid` reaches graph's own --format.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .action((paths: string[], flags: LintFlags) => {
      exitCode = runLint(paths, flags, argv, cache);
    });

  program
    .command('rules')
    .description('list every rule with its default severity')
    .action(() => {
      const w = Math.max(...rules.map((r) => r.id.length));
      for (const r of rules) process.stdout.write(`${r.id.padEnd(w)}  ${r.severity.padEnd(severityWidth)}  ${r.description}\n`);
    });

  program
    .command('explain')
    .description('explain what a rule catches, why it matters, and how to fix it')
    .argument('<rule>', 'rule id')
    .action((id: string) => {
      const r = ruleById(id);
      if (!r) throw new UsageError(`unknown rule '${id}' (see: lint-gitops rules)`);
      const parts = [`${r.id} (${r.severity}${r.fixable ? ', fixable with --fix' : ''})`, '', r.description, '', `Why: ${r.docs.why}`];
      if (r.docs.wrong) parts.push('', 'Wrong:', indent(r.docs.wrong));
      if (r.docs.right) parts.push('', 'Right:', indent(r.docs.right));
      process.stdout.write(parts.join('\n') + '\n');
    });

  program
    .command('graph')
    .description('print the sync waves that dependsOn makes (wave = 1 + the highest wave among dependencies)')
    .argument('[paths...]', 'cluster directories, or directories holding clusters', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'mermaid', 'dot', 'json']).default('table'))
    .option('--root <dir>', 'repository root that Flux paths are relative to (default: detected)')
    .action((paths: string[], flags: { format: 'table' | 'mermaid' | 'dot' | 'json'; root?: string }) => {
      const { clusters } = loadGraph({ paths, root: flags.root });
      const format = { table: formatGraphTable, mermaid: formatGraphMermaid, dot: formatGraphDot, json: formatGraphJson }[flags.format];
      process.stdout.write(format(clusters));
    });

  program
    .command('diff')
    .description('what a change does to each cluster: objects, HelmReleases, dependsOn waves and findings, against --base REF or --base-dir DIR')
    .argument('[paths...]', 'cluster directories, or directories holding clusters', ['.'])
    .option('--base <ref>', 'the git revision to compare the working tree with (a branch, tag or commit, ~N and ^N allowed), read without running git')
    .option('--base-dir <dir>', 'a checkout of the base to compare with (CI that checks out the base itself)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...DIFF_FORMATS]).default('stylish'))
    .option('--markdown-limit <chars>', 'markdown: the most characters to print; whole sections past it are left out and named', markdownLimit)
    .option('--root <dir>', 'repository root that Flux paths are relative to (default: detected)')
    .option('-c, --config <file>', 'config file (default: .lint-gitops.yaml, .lint-gitops.yml or package.json "lint-gitops" at the repo root)')
    .option('--no-config', 'ignore config files')
    .option('--rule <rule=severity>', 'override a rule: error, warning, info or off (repeatable)', ruleSetting)
    .option('--crds <dir>', 'CustomResourceDefinitions installed outside git (repeatable)', collect)
    .option('--no-cache', 'do not keep parse results between runs')
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action((paths: string[], flags: DiffFlags) => {
      exitCode = runDiff(paths, flags);
    });

  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    return failed(e);
  }
  // `diff` and `--new-only` read git asynchronously.
  const code = exitCode as number | Promise<number>;
  return typeof code === 'number' ? code : code.catch(failed);
}

function failed(e: unknown): number {
  const err = e as { code?: string; exitCode?: number };
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
  if (typeof err.code === 'string' && err.code.startsWith('commander.')) return EXIT_USAGE;
  if (e instanceof UsageError) {
    process.stderr.write(`lint-gitops: ${e.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`lint-gitops: internal error: ${(e as Error).stack ?? String(e)}\n`);
  return EXIT_USAGE;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

