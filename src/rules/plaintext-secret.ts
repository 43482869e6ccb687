import type { Rule } from './types.js';
import { isObject } from '../model/objects.js';
import { objectLocation } from '../model/location.js';
import { type KObject, type Location, type YamlDoc } from '../model/types.js';

/**
 * A Secret committed with readable values. Flux decrypts SOPS-encrypted manifests (a top-level `sops:` key) before
 * applying them, https://fluxcd.io/flux/guides/mozilla-sops/; anything else in git is readable by everyone who can
 * clone it. Messages name the keys and never a value.
 *
 * secretGenerator: `literals` write the values into kustomization.yaml itself, so they are reported like a Secret's
 * data. Values from `files`/`envs` live in other files, which Flux can decrypt when they are SOPS-encrypted and
 * which the linter never reads as secrets: those are not reported.
 */
export const plaintextSecret: Rule = {
  id: 'plaintext-secret',
  severity: 'warning',
  description: 'A v1 Secret (or a secretGenerator literal) with values in git that are not SOPS-encrypted.',
  docs: {
    why: 'Everyone who can read the repository, its forks and its CI logs can read the value, forever: git history keeps it after it is deleted. Encrypt it with SOPS (Flux decrypts it at apply time), or let External Secrets, Sealed Secrets or Terraform write it in the cluster.',
    wrong: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: <written here in clear>',
    right: 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: vault}\n  target: {name: db}\n  data:\n    - secretKey: password\n      remoteRef: {key: db, property: password}',
  },
  check({ model, report }) {
    // A base built by several clusters (or Kustomizations) is one place in git: report it once.
    const seen = new Set<string>();
    const once = (at: Location, message: string) => {
      const key = `${at.doc.file.path}\0${at.doc.index}\0${at.path.join('\0')}`;
      if (seen.has(key)) return;
      seen.add(key);
      report({ ...at, key: true }, message);
    };
    for (const cluster of model.clusters) {
      for (const obj of cluster.objects) {
        if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1') continue;
        if (obj.generated) {
          checkGenerator(obj, once);
          continue;
        }
        for (const field of ['data', 'stringData'] as const) {
          const values = obj.value[field];
          if (!isObject(values)) continue;
          const keys = Object.keys(values).filter((k) => hasValue(values[k]));
          if (keys.length === 0 || keys.every((k) => isSopsValue(values[k]))) continue;
          const at = objectLocation(obj, [field]);
          if (isSopsEncrypted(at.doc) || isSopsEncrypted(obj.doc)) continue;
          // The name as written at that place: a name prefix from an overlay is not in the file.
          const written = valueAt(obj.doc.value, [...obj.docPath, 'metadata', 'name']);
          const name = typeof written === 'string' ? written : obj.name;
          once(at, `Secret '${name}' has ${field} in plaintext in git (${plural(keys)}); encrypt it with SOPS, or create it with an ExternalSecret or SealedSecret`);
        }
      }
    }
  },
};

function checkGenerator(obj: KObject, once: (at: Location, message: string) => void): void {
  const gen = valueAt(obj.doc.value, obj.docPath);
  if (!isObject(gen) || !Array.isArray(gen.literals)) return;
  const keys = gen.literals
    .filter((l): l is string => typeof l === 'string' && l.indexOf('=') > 0 && l.indexOf('=') < l.length - 1)
    .map((l) => l.slice(0, l.indexOf('=')));
  if (keys.length === 0 || isSopsEncrypted(obj.doc)) return;
  // The generator's name as written: the built one carries kustomize's hash suffix (and any prefix).
  const name = typeof gen.name === 'string' ? gen.name : obj.name;
  once(
    { doc: obj.doc, path: [...obj.docPath, 'literals'] },
    `secretGenerator '${name}' writes literals in plaintext in git (${plural(keys)}); take them from a SOPS-encrypted file instead, or create the Secret with an ExternalSecret`,
  );
}

function plural(keys: string[]): string {
  return `${keys.length === 1 ? 'key' : 'keys'} ${keys.map((k) => `'${k}'`).join(', ')}`;
}

function hasValue(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '';
}

/** A value SOPS encrypted in place: `ENC[AES256_GCM,data:...,type:str]`. */
function isSopsValue(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('ENC[');
}

/** SOPS writes its metadata as a top-level `sops:` key of the encrypted document. */
function isSopsEncrypted(doc: YamlDoc): boolean {
  return isObject(doc.value) && isObject(doc.value.sops);
}

function valueAt(v: unknown, path: readonly (string | number)[]): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}
