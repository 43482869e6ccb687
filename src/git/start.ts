import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BaseLabel } from '../model/diff.js';
import { checkoutBase, type BaseSpec } from './base.js';
import { BaseError } from './errors.js';
import type { ChangedPath } from './worktree.js';

export interface StartedBase {
  /** Settles when the base is on disk: its root, what changed, its name. */
  ready(): Promise<{ root: string; changed: ChangedPath[]; label: BaseLabel }>;
  /** Stops the reading if it still runs, and removes what it wrote. */
  close(): Promise<void>;
}

/**
 * Starts reading the base (src/git/base.ts) in a worker thread, so that it runs while the caller lints the head.
 * Where the worker's script is not there (the tests run the TypeScript sources), it runs here instead: the git
 * reads first, the files laid out by the I/O threads meanwhile.
 */
export async function startBase(spec: BaseSpec, headRoot: string, cwd: string): Promise<StartedBase> {
  const script = new URL('./checkout-worker.js', import.meta.url);
  if (!fs.existsSync(fileURLToPath(script))) {
    const c = await checkoutBase(spec, headRoot, cwd);
    return {
      ready: async () => {
        await c.ready;
        return { root: c.root, changed: c.changed, label: c.label };
      },
      close: () => c.close(),
    };
  }
  let temp: string | undefined;
  const worker = new Worker(script, { workerData: { spec, headRoot, cwd } });
  const result = new Promise<{ root: string; changed: ChangedPath[]; label: BaseLabel }>((resolve, reject) => {
    worker.on('message', (m: { temp?: string; done?: { root: string; changed: ChangedPath[]; label: BaseLabel }; error?: string; base?: boolean }) => {
      if (m.temp) temp = m.temp;
      else if (m.done) resolve(m.done);
      else if (m.error !== undefined) reject(m.base ? new BaseError(m.error) : new Error(m.error));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`reading the base stopped (exit ${code})`)));
  });
  // Settled by whoever awaits it; a failure is reported there.
  result.catch(() => {});
  return {
    ready: () => result,
    close: async () => {
      await worker.terminate();
      if (temp) await fs.promises.rm(temp, { recursive: true, force: true });
    },
  };
}
