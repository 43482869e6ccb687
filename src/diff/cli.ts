/**
 * The CLI's `diff` command and `--new-only`: flags to options, the comparison, the output. src/cli/main.ts only
 * wires them in.
 */
import { InvalidArgumentError } from 'commander';
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { LintOptions, RuleSetting } from '../engine/lint.js';
import { UsageError } from '../load/index.js';
import { configToOptions, resolveConfig } from '../config/index.js';
import { rules } from '../rules/index.js';
import type { Preset, Rule } from '../rules/types.js';
import { cacheDir as userCacheDir } from '../cache/dir.js';
import { printLintResult, recount, type CliShow } from '../cli/fast-path.js';
import { formatSarif } from '../report/sarif.js';
import { formatDiffJson } from '../report/diff-json.js';
import { DEFAULT_MARKDOWN_LIMIT, formatDiffMarkdown } from '../report/diff-markdown.js';
import { formatDiffStylish } from '../report/diff-stylish.js';
import type { BaseSpec } from '../git/base.js';
import { diff, lintNewOnly } from './index.js';

export const DIFF_FORMATS = ['stylish', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffFlags {
  base?: string;
  baseDir?: string;
  format: DiffFormat;
  root?: string;
  config?: string | false;
  rule?: Record<string, RuleSetting>;
  preset?: Preset;
  crds?: string[];
  schemaLocation?: string[];
  cache?: boolean;
  color?: boolean;
  markdownLimit?: number;
}

/** `--base REF` or `--base-dir DIR`, exactly one. */
export function baseSpec(flags: Pick<DiffFlags, 'base' | 'baseDir'>, what: string): BaseSpec {
  if (flags.base !== undefined && flags.baseDir !== undefined) throw new UsageError(`${what}: give --base REF or --base-dir DIR, not both`);
  if (flags.base !== undefined) return { ref: flags.base };
  if (flags.baseDir !== undefined) return { dir: flags.baseDir };
  throw new UsageError(`${what} needs a base to compare with: --base REF (a git revision, e.g. origin/main) or --base-dir DIR (a checkout of it)`);
}

export function markdownLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1000) throw new InvalidArgumentError('must be a whole number of characters, 1000 or more');
  return n;
}

function wantColor(flag: boolean | undefined): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  return Boolean(process.stdout.isTTY);
}

/** `lint-gitops diff`: prints the comparison; exit 0 (2 for a usage error, as every command). */
export async function runDiff(paths: string[], flags: DiffFlags): Promise<number> {
  const base = baseSpec(flags, 'diff');
  const cwd = process.cwd();
  const { config } = resolveConfig({ paths, root: flags.root, cwd, config: flags.config, rules });
  const fromConfig = configToOptions(config);
  const preset = flags.preset ?? fromConfig.preset;
  const options: LintOptions = {
    ...fromConfig,
    ...(preset ? { preset } : {}),
    paths,
    root: flags.root,
    cwd,
    crdPaths: flags.crds,
    ...(flags.schemaLocation ? { schemaLocations: flags.schemaLocation } : {}),
    cache: flags.cache !== false ? userCacheDir() : false,
    rules: { ...fromConfig.rules, ...flags.rule },
  };
  const result = await diff({ ...options, base });
  const out =
    flags.format === 'json'
      ? formatDiffJson(result)
      : flags.format === 'markdown'
        ? formatDiffMarkdown(result, { limit: flags.markdownLimit ?? DEFAULT_MARKDOWN_LIMIT })
        : formatDiffStylish(result, { color: wantColor(flags.color) });
  process.stdout.write(out);
  return 0;
}

/**
 * The lint command with `--new-only`: only findings the base did not have are reported, counted and gate the exit
 * code. SARIF lists the head's findings marked `baselineState` new or unchanged, and the base's that are gone as
 * absent (https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html#_Toc34317647).
 */
export async function runNewOnly(options: LintOptions, base: BaseSpec, show: CliShow): Promise<number> {
  const r = await lintNewOnly({ ...options, base });
  if (show.format !== 'sarif') return printLintResult(r.diagnostics, r.summary, show);
  const keep = (list: Diagnostic[]) => (show.quiet ? list.filter((d) => d.severity === 'error') : list);
  const state = new Map<Diagnostic, 'new' | 'unchanged' | 'absent'>();
  for (const d of r.diagnostics) state.set(d, 'new');
  for (const d of r.unchanged) state.set(d, 'unchanged');
  for (const d of r.absent) state.set(d, 'absent');
  const head = sortDiagnostics(keep([...r.diagnostics, ...r.unchanged]));
  const all = [...head, ...keep(r.absent)];
  const shown = keep(r.diagnostics);
  process.stdout.write(formatSarif(all, recount(r.summary, shown), { rules: show.rules as Rule[], version: show.version, baselineState: (d) => state.get(d) }));
  return printExit(recount(r.summary, shown), show);
}

/** The exit code printLintResult gives (src/cli/fast-path.ts), and its --max-warnings note. */
function printExit(summary: { errorCount: number; warningCount: number }, show: CliShow): number {
  if (summary.errorCount > 0) return 1;
  if (show.maxWarnings !== undefined && summary.warningCount > show.maxWarnings) {
    process.stderr.write(`lint-gitops: too many warnings (${summary.warningCount}, maximum: ${show.maxWarnings})\n`);
    return 1;
  }
  return 0;
}
