import fs from 'node:fs';
import path from 'node:path';
import type { LintOptions } from '../engine/lint.js';
import type { OpenStores, RunStores } from '../engine/stores.js';
import { parseCacheScope } from '../load/index.js';
import type { ParseStore } from '../load/parse/store.js';
import type { ValidatorFiles } from '../schema/validator-cache.js';
import { writeFileAtomic } from './atomic.js';
import { cacheDirOf } from './dir.js';
import { ParseCache } from './parses.js';
import { ValidationResults } from './validations.js';

/**
 * The stores of `cache: true | dir` (LintOptions.cache): the parse cache of the run's root and clusters
 * (src/cache/parses.ts), compiled validators (`validators/` below the directory) and validation results
 * (src/cache/validations.ts, unless `validationCache: false`), all in the user cache directory or the one given.
 * Undefined when caching is off. `parses`: one to use instead (lint-gitops diff shares one between its two sides).
 * What cannot be written costs the next run some work, never this one a failure.
 */
export function cacheStores(options: Pick<LintOptions, 'cache'>, parses?: ParseStore & { save?(): void }): OpenStores | undefined {
  const given = options.cache;
  if (!given) return parses ? () => ({ parses }) : undefined;
  return (plan, runOptions): RunStores => {
    const dir = cacheDirOf(given, plan.cwd);
    const kept = parses ?? ParseCache.open(dir, parseCacheScope(plan));
    const results = runOptions.validationCache !== false ? new ValidationResults(dir) : undefined;
    return {
      parses: kept,
      schema: { validators: validatorFiles(dir), results },
      close(complete) {
        try {
          if (complete) kept.save?.();
        } catch {
          // A cache directory that cannot be written (or is not a directory) costs the next run its parses.
        }
        try {
          // Kept whatever happened: each result is a function of its key alone, and the older ones stay.
          results?.save();
        } catch {
          // Likewise: the next run validates again.
        }
      },
    };
  };
}

/** Compiled validators as files below `dir`, each written through a temporary file renamed over it. */
export function validatorFiles(dir: string): ValidatorFiles {
  return {
    read(name) {
      try {
        return fs.readFileSync(path.join(dir, name));
      } catch {
        return undefined;
      }
    },
    write(name, data) {
      return writeFileAtomic(path.join(dir, name), data);
    },
  };
}
