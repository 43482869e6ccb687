/**
 * Reads the base in a worker thread (src/git/start.ts): hashing the working tree, reading the revision and laying
 * its files out take a core of their own while the main thread lints the head. Posts `{ temp }` as soon as the
 * temporary directory exists (so the main thread can remove it whatever happens), then the checkout or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkoutBase, type BaseSpec } from './base.js';
import { BaseError } from './errors.js';

const { spec, headRoot, cwd } = workerData as { spec: BaseSpec; headRoot: string; cwd: string };
try {
  const c = await checkoutBase(spec, headRoot, cwd, (temp) => parentPort!.postMessage({ temp }));
  await c.ready;
  parentPort!.postMessage({ done: { root: c.root, changed: c.changed, label: c.label } });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message, base: e instanceof BaseError });
}
