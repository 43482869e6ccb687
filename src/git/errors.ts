/**
 * A problem with how the base was named (an unknown revision, a shallow clone, a missing --base-dir): the caller
 * turns it into the CLI's UsageError (exit 2). Its own class, so that src/git/ loads nothing of the linter: it also
 * runs in a worker thread (src/git/checkout-worker.ts).
 */
export class BaseError extends Error {}
