import fs from 'node:fs';
import path from 'node:path';
import { cacheDirOf } from '../cache/dir.js';
import { ParseCache } from '../cache/parses.js';
import { cacheStores } from '../cache/stores.js';
import type { OpenStores } from '../engine/stores.js';
import { MemoryParseStore } from '../load/parse/store.js';
import { lintRun, type ClusterPart, type ComposedRun, type LintOptions } from '../engine/lint.js';
import { UsageError, parseCacheScope, planRepo, type RepoPlan } from '../load/index.js';
import type { BaseLabel } from '../model/diff.js';
import type { BaseSpec } from '../git/base.js';
import { BaseError } from '../git/errors.js';
import { startBase } from '../git/start.js';
import type { ChangedPath } from '../git/worktree.js';
import { type Cluster, type RepoModel, type SourceFile } from '../model/types.js';

/** One side of a comparison: the run's findings and summary, and the models of the clusters the change reaches. */
export interface Side {
  plan: RepoPlan;
  run: ComposedRun;
  /** Cluster directory → what its lint found (every cluster of the side, linted or reused). */
  parts: Map<string, ClusterPart>;
  /** Cluster directory → its model, for the clusters the change reaches (all of them with `reuse: false`). */
  clusters: Map<string, Cluster>;
  /** Files of the side that findings point into (for matching findings by object; src/diff/findings.ts). */
  files: Map<string, SourceFile>;
}

export interface Comparison {
  base: Side;
  head: Side;
  label: BaseLabel;
  changed: ChangedPath[];
  /** Cluster directories (of either side) that the change can reach: linted on both sides. */
  reached: Set<string>;
}

export interface CompareOptions extends LintOptions {
  base: BaseSpec;
  /**
   * False: lint every cluster of the base, even those the change cannot reach (tests prove that reusing the head's
   * results for those gives the same comparison). Default true.
   */
  reuse?: boolean;
  /** False: keep no cluster models (`--new-only` needs only findings). Default true. */
  models?: boolean;
}

/**
 * Lints the working tree (head) and a base (a git revision or another checkout) with the same options, and keeps
 * what a comparison needs. The base is linted only where the change can reach: a cluster whose build reads no
 * changed path, whose directory holds none, that references none (a missing path that now exists) and that reads
 * no file beside one (a directory Flux lists) gives the base exactly the head's result (each cluster is a function
 * of its own files: src/engine/lint.ts), so its part is reused and its model not even kept. The run-wide steps (merging,
 * unreferenced files, suppressions, ignore globs) run on each side as lint() runs them.
 */
export async function compare(options: CompareOptions): Promise<Comparison> {
  // LINT_GITOPS_DIFF_TIMES=1: where a comparison's time goes, on stderr (bench/diff.mjs reports it).
  const times = process.env.LINT_GITOPS_DIFF_TIMES === '1' ? new Times() : undefined;
  const cwd = options.cwd ?? process.cwd();
  const headPlan = planRepo(options);
  // One parse cache for both sides, so that what the base shares with the head (all but what changed) is parsed
  // once: the lint's own file when caching (the same key as lint-gitops's), else one kept in memory for this run.
  const dir = options.cache ? cacheDirOf(options.cache, cwd) : undefined;
  const parseCache = dir ? ParseCache.open(dir, parseCacheScope(headPlan)) : new MemoryParseStore();
  const headOptions: LintOptions = options;
  const headStores = cacheStores(options, parseCache);
  const started = await startBase(options.base, headPlan.root, cwd).catch(usage);
  times?.lap('base started');
  try {
    const reuse = options.reuse !== false;
    const keepModels = options.models !== false;
    const reached = new Set<string>();

    // Head: every cluster, as lint() does, while the base is read (src/git/start.ts). Which clusters the change
    // reaches is known once it is: until then every model is held.
    const head = emptySide(headPlan);
    const held = new Map<string, RepoModel>();
    lintSide(head, headPlan, headOptions, headStores, true, (dirs, model, part) => {
      const dir = dirs[0] ?? '.';
      held.set(dir, model);
      head.parts.set(dir, part);
    });
    times?.lap('head linted');
    const checkout = await started.ready().catch(usage);
    const changed = checkout.changed;
    for (const [dir, model] of held) {
      // A cluster new in the head has its files among the changed paths: reached.
      const hit = !reuse || reaches(dir, model, changed);
      if (hit) reached.add(dir);
      keep(head, dir, model, head.parts.get(dir)!, hit && keepModels);
    }
    held.clear();
    times?.lap('base on disk');
    // The base's root and clusters: the same paths below its root (a path the base does not have is left out).
    const baseRoot = checkout.root;
    const basePaths = (options.paths.length > 0 ? options.paths : ['.'])
      .map((p) => path.relative(headPlan.root, path.resolve(cwd, p)))
      .map((rel) => path.join(baseRoot, rel))
      .filter((p) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory());
    const baseOptions: LintOptions = { ...options, paths: basePaths, root: baseRoot, cache: false };
    const baseStores = cacheStores(baseOptions, parseCache);
    const basePlan = basePaths.length > 0 ? planRepo(baseOptions) : undefined;

    const base = emptySide(basePlan ?? { ...headPlan, root: baseRoot, clusterDirs: [], discoveryLimits: [] });
    if (basePlan) {
      const headDirs = new Set(headPlan.clusterDirs);
      lintSide(
        base,
        basePlan,
        baseOptions,
        baseStores,
        false,
        (dirs, model, part) => {
          const dir = dirs[0] ?? '.';
          reached.add(dir);
          keep(base, dir, model, part, keepModels);
        },
        (dirs) => {
          const dir = dirs[0] ?? '.';
          // Unreached and in the head too: the head's part is the base's.
          if (!headDirs.has(dir) || reached.has(dir) || !head.parts.has(dir)) return undefined;
          return head.parts.get(dir);
        },
      );
      // The files of reused parts' findings are the head's (the same bytes): matching anchors findings in them.
      for (const [dir, part] of base.parts) {
        if (reached.has(dir)) continue;
        for (const d of part.diagnostics) {
          const f = head.files.get(d.file);
          if (f && !base.files.has(d.file)) base.files.set(d.file, f);
        }
      }
    }
    times?.lap('base linted');
    return { base, head, label: checkout.label, changed, reached };
  } finally {
    await started.close();
    times?.lap('base removed');
    times?.print();
  }
}

class Times {
  private at = performance.now();
  private readonly laps: string[] = [];
  lap(what: string): void {
    const now = performance.now();
    this.laps.push(`${what} ${Math.round(now - this.at)} ms`);
    this.at = now;
  }
  print(): void {
    process.stderr.write(`lint-gitops diff: ${this.laps.join(', ')}\n`);
  }
}

/** A base named wrong (src/git/) is a usage error (exit 2). */
function usage(e: unknown): never {
  throw e instanceof BaseError ? new UsageError(e.message) : e;
}

function emptySide(plan: RepoPlan): Side {
  return { plan, run: undefined as unknown as ComposedRun, parts: new Map(), clusters: new Map(), files: new Map() };
}

function keep(side: Side, dir: string, model: RepoModel, part: ClusterPart, withModel: boolean): void {
  side.parts.set(dir, part);
  if (withModel) for (const c of model.clusters) side.clusters.set(dir, c);
  // The files findings point into, for matching by object (a file two clusters read is the same file).
  for (const d of part.diagnostics) {
    const f = model.files.get(d.file);
    if (f && !side.files.has(d.file)) side.files.set(d.file, f);
  }
}

/**
 * lint()'s loop over a plan's clusters (lintRun, src/engine/lint.ts), with `take` seeing each cluster's model and
 * part, and `reused` answering a cluster's part without linting it. Composes the run like lint().
 */
function lintSide(
  side: Side,
  plan: RepoPlan,
  options: LintOptions,
  stores: OpenStores | undefined,
  /** Keep the parse cache when every cluster was loaded (the head's; the base's would only add its own files). */
  save: boolean,
  take: (dirs: string[], model: RepoModel, part: ClusterPart) => void,
  reused?: (dirs: string[]) => ClusterPart | undefined,
): void {
  let model: RepoModel | undefined;
  side.run = lintRun(options, {
    plan,
    stores,
    saveParses: save,
    reuse: (dirs) => {
      const kept = reused?.(dirs);
      if (kept) side.parts.set(dirs[0] ?? '.', kept);
      return kept;
    },
    model: (m) => {
      model = m;
    },
    cluster: (dirs, _i, check) => {
      const part = check();
      take(dirs, model!, part);
      model = undefined;
      return part;
    },
  }).composed;
}

/**
 * Whether a change can reach a cluster's build (as `--changed` decides it, src/engine/changed.ts): a changed path it read,
 * one under its directory or under a path it references (resolved or missing), or one beside a file it read (a
 * directory Flux generates a kustomization for lists its files).
 */
export function reaches(dir: string, model: RepoModel, changed: readonly ChangedPath[]): boolean {
  if (changed.length === 0) return false;
  const read = new Set(model.files.keys());
  const dirs = new Set<string>();
  for (const f of read) dirs.add(f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.');
  const prefixes = [dir === '.' ? '' : `${dir}/`];
  for (const ref of model.refs) {
    if (!ref.target) continue;
    read.add(ref.target);
    prefixes.push(`${ref.target}/`);
  }
  return changed.some(({ path: p }) => {
    if (read.has(p)) return true;
    if (dirs.has(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.')) return true;
    return prefixes.some((pre) => pre === '' || p.startsWith(pre));
  });
}
