#!/usr/bin/env node
/** The installed command: bundled by scripts/bundle.mjs into dist/bin/lint-gitops.js (see src/cli/launch.ts). */
import { launch, userCacheDir } from './launch.js';

const argv = process.argv.slice(2);
process.exitCode = (await launch({ argv, cacheDir: userCacheDir(argv) })).exitCode;
