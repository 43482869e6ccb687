#!/usr/bin/env node
/**
 * The lint-gitops command. An unchanged re-run is answered from the result cache before anything heavy is loaded
 * (src/cache/cli.ts: node builtins and the cache modules only); otherwise the full CLI (src/cli-main.ts) runs.
 */
import { fastPath } from './cache/cli.js';

const argv = process.argv.slice(2);
const cached = fastPath(argv);
process.exitCode = cached ?? (await import('./cli-main.js')).main(argv);
