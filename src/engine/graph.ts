import { clusterWaves, type ClusterWaves } from '../graph/waves.js';
import { loadRepo, type LoadOptions } from '../load/index.js';
import type { RepoModel } from '../model/types.js';

/*
 * `lint-gitops graph`'s entry: it loads the repository, so it sits in the engine beside lint(), and src/graph/waves.ts
 * stays a pure function of the model (issue 17).
 */

export interface GraphResult {
  clusters: ClusterWaves[];
  model: RepoModel;
}

/** Loads the repository like `lint()` does and returns the sync waves of every cluster. */
export function graph(options: LoadOptions): GraphResult {
  const model = loadRepo(options);
  return { clusters: model.clusters.map(clusterWaves), model };
}
