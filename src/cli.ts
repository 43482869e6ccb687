#!/usr/bin/env node
/**
 * The lint-gitops command. An unchanged re-run is answered from the result cache before anything heavy is loaded
 * (src/cache/cli.ts: node builtins and the cache modules only); otherwise the full CLI (src/cli-main.ts) runs.
 */
import { fastPath } from './cache/cli.js';
import { cacheDir } from './cache/dir.js';
import type { KeptCluster } from './cache/run-entry.js';
import { Verifier } from './cache/verify.js';
import { collectBetweenClusters } from './heap.js';

// Opt-in: about 20% less peak memory for about 5% more time on a multi-cluster run (src/heap.ts).
if (process.env.LINT_GITOPS_LOW_MEMORY === '1') collectBetweenClusters();

const argv = process.argv.slice(2);
const cache = { verifier: new Verifier(), known: new Map<string, KeptCluster>() };
const cached = fastPath(argv, cache.verifier, cache.known);
let exit = typeof cached === 'number' ? cached : undefined;
if (cached !== undefined && typeof cached !== 'number') {
  try {
    exit = (await import('./cache/run.js')).resumeRun(argv, cached, cacheDir(), cache);
  } catch {
    // Nothing is printed before the result: the full CLI runs, and reports whatever went wrong as it would.
  }
}
process.exitCode = exit ?? (await import('./cli-main.js')).main(argv, cache);
