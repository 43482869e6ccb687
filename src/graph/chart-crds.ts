/**
 * API groups whose CRDs a well-known Helm chart installs. A Kustomization that applies such a HelmRelease
 * provides those kinds to the cluster: objects of those groups elsewhere must depend on it.
 * Keyed by chart name (HelmRelease chart.spec.chart, or the last segment of an OCI chart URL).
 */
export const CHART_CRD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'cert-manager': ['cert-manager.io', 'acme.cert-manager.io'],
  cilium: ['cilium.io'],
  'cloudnative-pg': ['postgresql.cnpg.io'],
  'external-dns': ['externaldns.k8s.io'],
  'external-secrets': ['external-secrets.io', 'generators.external-secrets.io'],
  'grafana-operator': ['grafana.integreatly.org'],
  keda: ['keda.sh'],
  'kube-prometheus-stack': ['monitoring.coreos.com'],
  kyverno: ['kyverno.io', 'wgpolicyk8s.io', 'reports.kyverno.io'],
  longhorn: ['longhorn.io'],
  metallb: ['metallb.io'],
  'prometheus-operator-crds': ['monitoring.coreos.com'],
  'snapshot-controller': ['snapshot.storage.k8s.io'],
  'tf-controller': ['infra.contrib.fluxcd.io'],
  'tofu-controller': ['infra.contrib.fluxcd.io'],
  traefik: ['traefik.io', 'traefik.containo.us'],
  'traefik-crds': ['traefik.io', 'traefik.containo.us'],
  velero: ['velero.io'],
  'vault-secrets-operator': ['secrets.hashicorp.com'],
  'victoria-metrics-operator': ['operator.victoriametrics.com'],
};
