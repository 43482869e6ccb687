#!/usr/bin/env node
/** The lint-gitops command from the modules tsc wrote (the installed command is the bundle: src/launch.ts). */
import { run } from './cli-run.js';

process.exitCode = await run(process.argv.slice(2));
