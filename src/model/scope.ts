/**
 * Kinds the API server keeps without a namespace. kustomize's `namespace:` and Flux's `targetNamespace`
 * leave these alone, and references to them carry no namespace.
 */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterExternalSecret',
  'ClusterGenerator',
  'ClusterImageCatalog',
  'ClusterIssuer',
  'ClusterPolicy',
  'ClusterPushSecret',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'GatewayClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'VolumeSnapshotClass',
  'VolumeSnapshotContent',
]);

export function isClusterScoped(kind: string, extra?: ReadonlySet<string>): boolean {
  return CLUSTER_SCOPED.has(kind) || (extra?.has(kind) ?? false);
}
