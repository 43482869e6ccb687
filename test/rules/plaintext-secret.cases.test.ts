import { cluster, CLUSTER_DIR, fluxKustomization, ruleTester, yaml } from '../rule-tester.js';

const apps = `${CLUSTER_DIR}/apps.yaml`;
const tree = (secret: string) => cluster({ [apps]: fluxKustomization('app', './apps/app'), 'apps/app/secret.yaml': secret });
const secret = (data: string) => yaml`
  apiVersion: v1
  kind: Secret
  metadata:
    name: app
    namespace: default
` + data;

ruleTester.run('plaintext-secret', {
  valid: [
    { name: 'a Secret without values', files: tree(secret('type: Opaque\n')) },
    {
      name: 'a SOPS-encrypted Secret',
      files: tree(
        secret(yaml`
          stringData:
            password: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]
          sops:
            age:
              - recipient: age1example
                enc: |
                  -----BEGIN AGE ENCRYPTED FILE-----
                  -----END AGE ENCRYPTED FILE-----
            lastmodified: "2024-01-01T00:00:00Z"
            mac: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]
            version: 3.8.1
        `),
      ),
    },
  ],
  invalid: [
    {
      name: 'stringData in git, naming the keys and never the values',
      files: tree(secret('stringData:\n  password: hunter2\n  user: admin\n')),
      errors: [
        { file: "apps/app/secret.yaml", line: 6, column: 1, severity: 'warning', message: "Secret 'app' has stringData in plaintext in git (keys 'password', 'user'); encrypt it with SOPS, or create it with an ExternalSecret or SealedSecret" },
      ],
    },
    {
      name: 'base64 data (an encoding, not encryption)',
      files: tree(secret('data:\n  password: aHVudGVyMg==\n')),
      errors: [
        { file: "apps/app/secret.yaml", line: 6, column: 1, message: "Secret 'app' has data in plaintext in git (key 'password'); encrypt it with SOPS, or create it with an ExternalSecret or SealedSecret" },
      ],
    },
  ],
});
