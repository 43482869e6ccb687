import os from 'node:os';
import path from 'node:path';

/**
 * Where the CLI keeps its caches (parses, compiled validators, results): $LINT_GITOPS_CACHE_DIR, else the
 * platform's user cache directory — never the repository. A module of its own so that the CLI's fast path can ask
 * it without loading the parser.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LINT_GITOPS_CACHE_DIR) return path.resolve(env.LINT_GITOPS_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'lint-gitops');
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'lint-gitops');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'lint-gitops', 'Cache');
  return path.join(home, '.cache', 'lint-gitops');
}

/** The directory `cache: true | dir` names (LintOptions.cache): the given one, relative to `cwd`, or cacheDir(). */
export function cacheDirOf(cache: true | string, cwd: string): string {
  return typeof cache === 'string' ? path.resolve(cwd, cache) : cacheDir();
}
