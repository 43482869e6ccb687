export { objectIndex, chartName, ObjectIndex, type Produced, type ProducedVia, type CrdProvider } from './objects.js';
export { CHART_CRD_GROUPS } from './chart-crds.js';
export {
  dependencyGraph,
  DependencyGraph,
  nodeId,
  displayName,
  type DependencyKind,
  type DependencyNode,
  type DependsOnEntry,
  type DependencyCycle,
} from './dependency-graph.js';
export { implicitDependencies, type ImplicitDependency, type ImplicitReason } from './implicit-dependencies.js';
export { usesOf, type Use } from './references.js';
export { clusterWaves, type ClusterWaves, type WaveKustomization, type WaveRef } from './waves.js';
