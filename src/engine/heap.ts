import v8 from 'node:v8';
import vm from 'node:vm';

/*
 * The CLI's heap policy. A lint allocates far more than it keeps: while a cluster is checked its model is live
 * (about 10 MB on the bench's 1,000-app fleet, of 25-40 MB live in all), and once its findings are taken the model
 * is garbage. Left alone, V8 runs a full collection rarely (twice in a 1,000-app run) and grows the old generation
 * meanwhile by a factor of up to 4 of what was live, so the peak RSS follows what the clusters allocated, not what
 * is live: about 210 MB on that fleet. A full collection between clusters, when the finished cluster is garbage
 * and the next has not started, keeps it to about one cluster's worth: about 165 MB (about 400 -> 280-310 MB on the
 * 5,000-app fleet), for 30-70 ms a cluster on the shared 2-core machine: the 1,000-app run took about 5% longer
 * (median of 8 interleaved pairs, load 2-3), more than the time target leaves, so it is opt-in
 * (LINT_GITOPS_LOW_MEMORY=1). Measured and left out: a smaller young generation (--semi-space-growth-factor=1:
 * 30 MB less again, but 14 times as many scavenges) and --heap-growing-percent=50 (less saved, a similar cost).
 * The library never changes the process's heap: only the CLI turns this on.
 */

let enabled = false;
let collect: (() => void) | undefined;

/** Turns on a full garbage collection between clusters (the CLI, at start-up). */
export function collectBetweenClusters(): void {
  enabled = true;
}

/**
 * A cluster's findings are taken and its model dropped. `more`: another cluster is linted after it (after the
 * last one, what is left to do allocates little, and the process ends soon).
 */
export function clusterDone(more: boolean): void {
  if (!enabled || !more) return;
  // Made on first use: a run of one cluster (the common pre-commit case) never pays for the context.
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
  }
  collect();
}
