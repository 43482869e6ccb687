import type { RepoPlan } from '../load/index.js';
import type { ParseStore } from '../load/parse/store.js';
import type { SchemaCache } from '../schema/index.js';
import type { LintOptions } from './lint.js';

/**
 * What a run keeps between runs, handed to lint() from above (the engine opens no file of its own): parses by the
 * hash of a file's bytes (the loader's parser), and the schema rules' compiled validators and validation results.
 * src/cache/stores.ts opens them in the user cache directory for `cache: true | dir` (the library entry
 * src/index.ts and the CLI do); without stores a run computes everything, with the same output.
 */
export interface RunStores {
  parses?: ParseStore;
  schema?: SchemaCache;
  /**
   * Called once when the run's loads are over (or failed). `complete`: every cluster of the plan was loaded, so a
   * parse store that keeps only what the run used may keep it (a run that reused some clusters' results would drop
   * the others' parses).
   */
  close?(complete: boolean): void;
}

/** Opens a run's stores once its plan (root, clusters) is known, and only when a cluster is to be loaded. */
export type OpenStores = (plan: RepoPlan, options: LintOptions) => RunStores;
