#!/usr/bin/env node
/** The lint-gitops command from the modules tsc wrote (the installed command is the bundle: src/cli/launch.ts). */
import { run } from './cli/command.js';

process.exitCode = await run(process.argv.slice(2));
