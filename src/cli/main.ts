/** The CLI (src/cli.ts runs it when the result cache's fast path has no answer). */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { lint, type RuleSetting } from '../engine/lint.js';
import { UsageError } from '../load/index.js';
import { Disk } from '../load/disk.js';
import { graph as loadGraph } from '../engine/graph.js';
import { formatGraphDot } from '../report/graph-dot.js';
import { formatGraphJson } from '../report/graph-json.js';
import { formatGraphMermaid } from '../report/graph-mermaid.js';
import { formatGraphTable } from '../report/graph-table.js';
import { affectedClusters } from '../engine/changed.js';
import { configToOptions, resolveConfig } from '../config/index.js';
import { lintAndFix, type AppliedFix } from '../engine/fix.js';
import type { LintResult, Summary } from '../engine/lint.js';
import { FORMATS, type FormatName } from '../report/index.js';
import { DEFAULT_PRESET, PRESETS, presetSetting, ruleById, rules, type Preset, type Rule } from '../rules/index.js';
import { didYouMean } from '../rules/did-you-mean.js';
import { printLintResult, ruleMeta, type CliShow } from './fast-path.js';
import { Journal, recording } from '../cache/journal.js';
import { lintCached, type CacheContext } from '../cache/lint-cached.js';
import { runKey, saveRoots, saveRun, type CachedLint } from '../cache/run-entry.js';
import { mergeRootRuns, rebaseFile, rootGroups, type RootGroups, type RootRun } from '../engine/roots.js';
import { cacheDir as userCacheDir } from '../cache/dir.js';
import { cacheStores } from '../cache/stores.js';
import { DIFF_FORMATS, baseSpec, markdownLimit, runDiff, runNewOnly, type DiffFlags } from '../diff/cli.js';

/** Exit codes (README "Exit codes."): 0 no errors, 1 errors (or too many warnings), 2 usage or internal error. */
const EXIT_OK = 0;
const EXIT_USAGE = 2;

const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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
  if (!ruleById(m[1])) throw new InvalidArgumentError(`unknown rule '${m[1]}'${didYouMean(m[1], rules.map((r) => r.id))} (see: lint-gitops rules)`);
  return { ...previous, [m[1]]: m[2] as RuleSetting };
}

interface LintFlags {
  format: FormatName;
  root?: string;
  quiet?: boolean;
  maxWarnings?: number;
  color?: boolean;
  rule?: Record<string, RuleSetting>;
  preset?: Preset;
  shard?: { index: number; count: number };
  /** --crds: CRD directories or files installed outside git (repeatable). */
  crds?: string[];
  /** --schema-location: folders of JSON schemas in kubeconform's CRD layout (repeatable). */
  schemaLocation?: string[];
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

function runLint(paths: string[], flags: LintFlags, argv: string[], cache: Omit<CacheContext, 'journal'>, disk: Disk): number | Promise<number> {
  const cwd = process.cwd();
  const newOnly = flags.newOnly || flags.base !== undefined || flags.baseDir !== undefined ? baseSpec(flags, '--new-only') : undefined;
  if (newOnly && !flags.newOnly) throw new UsageError('--base and --base-dir compare findings with --new-only (or run `lint-gitops diff`)');
  if (newOnly && flags.fix) throw new UsageError('--new-only cannot be combined with --fix');
  let lintPaths = paths;
  let root = flags.root;
  // The result cache (src/cache/): what the run reads before linting is recorded too (file arguments, the
  // clusters they select, the roots, the config file), so a re-run can tell from the disk alone that nothing changed.
  const cacheDir = flags.cache !== false ? userCacheDir() : undefined;
  const cacheResults = cacheDir !== undefined && !flags.fix;
  const facts = new Journal();
  const gather = <T>(fn: () => T): T => (cacheResults ? recording(disk, facts, fn) : fn());
  const show: CliShow = {
    format: flags.format,
    quiet: Boolean(flags.quiet),
    maxWarnings: flags.maxWarnings,
    color: flags.color,
    rules: ruleMeta(inPreset(flags.preset)),
    version,
    ...(flags.shard ? { shard: true } : {}),
  };
  let groups: RootGroups | undefined;
  // File arguments (pre-commit passes the staged files) or --changed: lint only the clusters that read them.
  if (flags.changed || paths.some((p) => gather(() => disk.isFile(p)))) {
    const selection = gather(() => affectedClusters(paths, { root: flags.root, cwd }, disk));
    if (selection.clusters.length === 0) {
      // Not a usage error: a commit that touches no file a cluster reads (a README) has nothing to lint, and passes.
      process.stderr.write('lint-gitops: no cluster reads the given files; nothing to lint\n');
      return printLintResult([], emptySummary(selection.root, cwd), { ...show, changed: true });
    }
    if (selection.roots.length > 1) {
      groups = { base: selection.root, groups: selection.roots.map((r) => ({ root: r.root, reason: 'flux-path', paths: r.clusters.map((c) => path.join(r.root, c)) })) };
    } else {
      lintPaths = selection.clusters.map((c) => path.join(selection.root, c));
      root = selection.root;
    }
  } else {
    // Several Flux installations side by side: each root is linted on its own (src/engine/roots.ts).
    groups = gather(() => rootGroups(paths, { root: flags.root, cwd, shard: flags.shard }, disk));
  }
  if (groups) return runRoots(groups, flags, argv, cache, { cwd, cacheDir, cacheResults, facts, gather, show, disk });
  const { config } = gather(() => resolveConfig({ paths: lintPaths, root, cwd, config: flags.config, rules }, disk));
  const fromConfig = configToOptions(config);
  const preset = flags.preset ?? fromConfig.preset;
  if (preset && preset !== flags.preset) show.rules = ruleMeta(inPreset(preset));
  const options = {
    ...fromConfig,
    ...(preset ? { preset } : {}),
    paths: lintPaths,
    root,
    cwd,
    shard: flags.shard,
    crdPaths: flags.crds,
    ...(flags.schemaLocation ? { schemaLocations: flags.schemaLocation } : {}),
    cache: cacheDir ?? false,
    rules: { ...fromConfig.rules, ...flags.rule },
  };
  let result: Pick<LintResult, 'diagnostics' | 'summary'>;
  if (newOnly) return runNewOnly(options, newOnly, show);
  if (flags.fix) {
    // --fix never reads or writes cached results: it must see the files as they are after each pass.
    const fixing = lintAndFix(options, { stores: cacheStores(options), disk });
    result = fixing.result;
    process.stderr.write(fixReport(fixing.fixed, fixing.files));
  } else if (cacheResults) {
    const cached = lintCached(options, cacheDir!, { ...cache, disk, journal: facts });
    saveRun(cacheDir!, runKey(cacheDir!, argv, cwd), cached, show);
    result = cached;
  } else {
    result = lint({ ...options, model: false }, { stores: cacheStores(options), disk });
  }
  return printLintResult(result.diagnostics, result.summary, show);
}

/**
 * A run over several Flux roots (src/engine/roots.ts): each root is linted as a run of its own (its config file, its
 * clusters, cached as usual), and the results are printed as one, with paths relative to the directory holding the
 * roots. The run's entry in the result cache holds every root's facts and clusters, so an unchanged re-run is
 * answered by the fast path; one whose clusters changed runs in full (a resumed run has one root).
 */
function runRoots(
  { base, groups }: RootGroups,
  flags: LintFlags,
  argv: string[],
  cache: Omit<CacheContext, 'journal'>,
  run: { cwd: string; cacheDir?: string; cacheResults: boolean; facts: Journal; gather: <T>(fn: () => T) => T; show: CliShow; disk: Disk },
): number {
  const { cwd, cacheDir, cacheResults, facts, gather, show, disk } = run;
  const runs: RootRun[] = [];
  const cached: CachedLint[] = [];
  const fixed: AppliedFix[] = [];
  const fixedFiles: string[] = [];
  for (const g of groups) {
    const { config } = gather(() => resolveConfig({ paths: g.paths, root: g.root, cwd, config: flags.config, rules }, disk));
    const fromConfig = configToOptions(config);
    // --shard was applied over every root's clusters (rootGroups).
    const preset = flags.preset ?? fromConfig.preset;
    const options = {
      ...fromConfig,
      ...(preset ? { preset } : {}),
      paths: g.paths,
      root: g.root,
      cwd,
      crdPaths: flags.crds,
      ...(flags.schemaLocation ? { schemaLocations: flags.schemaLocation } : {}),
      cache: cacheDir ?? false,
      rules: { ...fromConfig.rules, ...flags.rule },
    };
    let result: Pick<LintResult, 'diagnostics' | 'summary'>;
    if (flags.fix) {
      const fixing = lintAndFix(options, { stores: cacheStores(options), disk });
      result = fixing.result;
      for (const f of fixing.fixed) fixed.push({ ...f, file: rebaseFile(base, g.root, f.file) });
      for (const f of fixing.files) fixedFiles.push(rebaseFile(base, g.root, f));
    } else if (cacheResults) {
      // The facts gathered before (file arguments, roots, config files) go with the first root's run journal.
      const one = lintCached(options, cacheDir!, { ...cache, disk, journal: cached.length === 0 ? facts : undefined });
      cached.push(one);
      result = one;
    } else {
      result = lint({ ...options, model: false }, { stores: cacheStores(options), disk });
    }
    runs.push({ root: g.root, reason: g.reason, diagnostics: result.diagnostics, summary: result.summary });
  }
  if (flags.fix) process.stderr.write(fixReport(fixed, [...new Set(fixedFiles)].sort()));
  const merged = mergeRootRuns(base, runs, cwd);
  if (cacheResults) saveRoots(cacheDir!, runKey(cacheDir!, argv, cwd), cached, merged, show);
  return printLintResult(merged.diagnostics, merged.summary, show);
}

/** The rules with their severity in a preset, for the formats that print rule metadata (SARIF's default level). */
function inPreset(preset: Preset | undefined): Rule[] {
  if (!preset || preset === DEFAULT_PRESET) return [...rules];
  return rules.map((r) => {
    const s = presetSetting(r, preset);
    return s === 'off' || s === r.severity ? r : { ...r, severity: s };
  });
}

/** `lint-gitops rules`: each rule's setting in every preset, and what strict adds. */
function rulesTable(): string {
  const head = ['RULE', ...PRESETS.map((p) => p.toUpperCase()), 'WHAT IT CATCHES'];
  const rows = rules.map((r) => [r.id, ...PRESETS.map((p) => presetSetting(r, p)), r.description + (r.strict ? ` Strict also reports ${r.strict}.` : '')]);
  const widths = head.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join('  ') + '\n';
  return line(head) + rows.map(line).join('');
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
    .addOption(new Option('--preset <name>', `the rules' defaults: recommended (default) or strict (also the pedantic findings); see: lint-gitops rules`).choices([...PRESETS]))
    .option('--rule <rule=severity>', "override a rule's setting in the preset: error, warning, info or off (repeatable)", ruleSetting)
    .option('--shard <i/n>', 'lint only every n-th cluster starting at the i-th (split a monorepo across CI jobs)', shardArg)
    .option('--crds <dir>', 'CustomResourceDefinitions installed outside git (a directory or file of YAML): their kinds are validated too (repeatable)', collect)
    .option('--schema-location <dir>', "JSON schemas in kubeconform's CRD layout (<group>/<kind>_<version>.json): kinds nothing else describes are validated against them (repeatable)", collect)
    .option('--no-cache', 'do not keep parse and lint results between runs (default: in the user cache directory, or $LINT_GITOPS_CACHE_DIR)')
    .option('--new-only', 'report only findings the base (--base or --base-dir) did not have, matched by rule, object and message')
    .option('--base <ref>', 'with --new-only: the git revision to compare with (a branch, tag or commit, ~N and ^N allowed)')
    .option('--base-dir <dir>', 'with --new-only: a checkout of the base to compare with')
    // Program options before a subcommand only, so `graph --format mermaid` reaches graph's own --format.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .action((paths: string[], flags: LintFlags) => {
      // One disk for the run: the roots, the config file and the plan look for clusters below the same directories,
      // and its discovery memo makes that one walk each.
      const disk = new Disk();
      exitCode = disk.withDiscoveryMemo(() => runLint(paths, flags, argv, cache, disk));
    });

  program
    .command('rules')
    .description('list every rule with its setting in each preset (recommended is the default)')
    .action(() => {
      process.stdout.write(rulesTable());
    });

  program
    .command('explain')
    .description('explain what a rule catches, why it matters, and how to fix it')
    .argument('<rule>', 'rule id')
    .action((id: string) => {
      const r = ruleById(id);
      if (!r) throw new UsageError(`unknown rule '${id}'${didYouMean(id, rules.map((x) => x.id))} (see: lint-gitops rules)`);
      const strict = presetSetting(r, 'strict');
      const level = strict === r.severity ? r.severity : `${r.severity}; strict: ${strict}`;
      const parts = [`${r.id} (${level}${r.fixable ? ', fixable with --fix' : ''})`, '', r.description + (r.strict ? ` Under --preset strict it also reports ${r.strict}.` : ''), '', `Why: ${r.docs.why}`];
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
    .option('--shard <i/n>', 'only every n-th cluster starting at the i-th, as for linting', shardArg)
    .option('--no-color', 'never colour the output (no format of graph uses colour)')
    // The lint options that do not change the graph are accepted, so that one argument list serves both commands
    // (the GitHub Action passes its `args` to each): they change what is reported, not what dependsOn makes.
    .addOption(new Option('-c, --config <file>').hideHelp())
    .addOption(new Option('--no-config').hideHelp())
    .addOption(new Option('-q, --quiet').hideHelp())
    .addOption(new Option('--max-warnings <n>').argParser(nonNegativeInt).hideHelp())
    .addOption(new Option('--rule <rule=severity>').argParser(ruleSetting).hideHelp())
    .addOption(new Option('--crds <dir>').argParser(collect).hideHelp())
    .addOption(new Option('--no-cache').hideHelp())
    .action((paths: string[], flags: { format: 'table' | 'mermaid' | 'dot' | 'json'; root?: string; shard?: { index: number; count: number } }) => {
      const cwd = process.cwd();
      const split = rootGroups(paths, { root: flags.root, cwd, shard: flags.shard });
      const clusters = split
        ? split.groups.flatMap((g) =>
            loadGraph({ paths: g.paths, root: g.root, cwd }).clusters.map((c) => ({ ...c, cluster: rebaseFile(split.base, g.root, c.cluster) })),
          )
        : loadGraph({ paths, root: flags.root, cwd, shard: flags.shard }).clusters;
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
    .addOption(new Option('--preset <name>', "the rules' defaults: recommended (default) or strict").choices([...PRESETS]))
    .option('--rule <rule=severity>', 'override a rule: error, warning, info or off (repeatable)', ruleSetting)
    .option('--crds <dir>', 'CustomResourceDefinitions installed outside git (repeatable)', collect)
    .option('--schema-location <dir>', 'more JSON schemas in kubeconform\'s CRD layout <group>/<kind>_<version>.json (repeatable)', collect)
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

