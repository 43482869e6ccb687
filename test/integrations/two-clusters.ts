import fs from 'node:fs';
import path from 'node:path';
import { CLUSTER, fixtureCopy, type Mutation } from '../helpers.js';

export const LAB = 'flux-clusters/lab';

/**
 * The clean fixture plus a second, smaller cluster `flux-clusters/lab` that runs only vault: both clusters build
 * the shared base flux-apps/vault, only stefanzhelev builds grafana and the others.
 */
export function twoClusters(mutations: Record<string, Mutation> = {}): string {
  const repo = fixtureCopy(mutations);
  const src = path.join(repo, CLUSTER);
  const lab = path.join(repo, LAB);
  fs.mkdirSync(path.join(lab, 'apps/vault'), { recursive: true });
  fs.cpSync(path.join(src, 'flux-system'), path.join(lab, 'flux-system'), { recursive: true });
  const sync = path.join(lab, 'flux-system/gotk-sync.yaml');
  fs.writeFileSync(sync, fs.readFileSync(sync, 'utf8').replace('path: ./flux-clusters/stefanzhelev', `path: ./${LAB}`));
  fs.copyFileSync(path.join(src, 'cluster.yaml'), path.join(lab, 'cluster.yaml'));
  fs.copyFileSync(path.join(src, 'apps/vault/kustomization.yaml'), path.join(lab, 'apps/vault/kustomization.yaml'));
  fs.writeFileSync(path.join(lab, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - flux-system\n  - cluster.yaml\n  - apps.yaml\n');
  const apps = fs.readFileSync(path.join(src, 'apps/apps.yaml'), 'utf8');
  const vault = apps.split(/^---\n/m).find((d) => /^  name: vault$/m.test(d))!;
  fs.writeFileSync(path.join(lab, 'apps.yaml'), vault.replace('./flux-clusters/stefanzhelev/apps/vault', `./${LAB}/apps/vault`));
  return repo;
}
