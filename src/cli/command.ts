/**
 * The lint-gitops command as a function, for src/cli.ts (the modules tsc wrote) and for the bundle the installed
 * command runs (scripts/bundle.mjs, src/cli/launch.ts). An unchanged re-run is answered from the result cache before
 * anything heavy is loaded (src/cli/fast-path.ts: node builtins and the cache modules only); otherwise the full CLI
 * (src/cli/main.ts) runs.
 */
import { fastPath } from './fast-path.js';
import { cacheDir } from '../cache/dir.js';
import type { KeptCluster } from '../cache/run-entry.js';
import { Verifier } from '../cache/verify.js';
import { collectBetweenClusters } from '../engine/heap.js';

/** How far a run went: the fast path answered, a cached run resumed, or the full CLI ran. */
export type Reached = 'fast' | 'resume' | 'full';

/** Runs the command; resolves to its exit code. `reached` learns which of the paths above answered. */
export async function run(argv: string[], reached: (how: Reached) => void = () => {}): Promise<number> {
  // Opt-in: about 20% less peak memory for about 5% more time on a multi-cluster run (src/engine/heap.ts); the library
  // never turns it on.
  if (process.env.LINT_GITOPS_LOW_MEMORY === '1') collectBetweenClusters();
  const cache = { verifier: new Verifier(), known: new Map<string, KeptCluster>() };
  const cached = fastPath(argv, cache.verifier, cache.known);
  if (typeof cached === 'number') {
    reached('fast');
    return cached;
  }
  if (cached !== undefined) {
    try {
      reached('resume');
      const exit = (await import('../cache/lint-cached.js')).resumeRun(argv, cached, cacheDir(), cache);
      if (exit !== undefined) return exit;
    } catch {
      // Nothing is printed before the result: the full CLI runs, and reports whatever went wrong as it would.
    }
  }
  reached('full');
  return (await import('./main.js')).main(argv, cache);
}
