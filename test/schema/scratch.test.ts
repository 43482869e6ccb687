import { it } from 'vitest';
import { SchemaRegistry, compileTimes } from '../../src/schema/index.js';
it('scratch', () => {
  const r = SchemaRegistry.bundled();
  const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'y', creationTimestamp: null },
    spec: { interval: 5, chart: { spec: { chart: 'c', sourceRef: { kind: 'HelmRepo', name: 'r' } } }, install: { remediation: { retriess: 3 } }, values: { a: { b: 1 } } } };
  console.log(JSON.stringify(r.validate(hr.apiVersion, hr.kind, hr), null, 1));
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { a: 'b' } }, spec: { replica: 2, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'a', imagee: 'x', resources: { limits: { cpu: 1, memory: '1 Gi' } }, ports: [{ containerPort: '80' }] }] } } } };
  console.log(JSON.stringify(r.validate(dep.apiVersion, dep.kind, dep).issues.map(i => [i.path.join('.'), i.message])));
  console.log(JSON.stringify(r.validate('networking.k8s.io/v1beta1', 'Ingress', {})));
  console.log([...compileTimes]);
});
