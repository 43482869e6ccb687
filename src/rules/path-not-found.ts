import { asWritten, describeRef } from './path-format.js';
import type { Rule } from './types.js';

export const pathNotFound: Rule = {
  id: 'path-not-found',
  severity: 'error',
  description:
    'A kustomize resources/components/patch/generator path, a Flux spec.path, or a Terraform or Helm chart path does not exist in the repository.',
  docs: {
    why: 'kustomize-controller fails the build ("no such file or directory", "must build at directory") and the Kustomization stops reconciling, so every change behind it waits.',
    wrong: 'resources:\n  - ../../../../flux-apps/vautl',
    right: 'resources:\n  - ../../../../flux-apps/vault',
  },
  check({ model, report }) {
    for (const ref of model.refs) {
      if (ref.status === 'missing') {
        const resolved = ref.target && ref.target !== ref.raw.replace(/^\.\//, '') ? ` (resolved to ${ref.target})` : '';
        const what = ref.detail ? ` ${ref.detail}` : ' does not exist';
        const hint = ref.suggestion ? `; did you mean '${asWritten(ref, ref.suggestion)}'?` : '';
        report(ref.from, `${describeRef(ref)}${what}${resolved}${hint}`);
      } else if (ref.status === 'no-kustomization') {
        report(
          ref.from,
          `${describeRef(ref)} is a directory without a kustomization.yaml; kustomize can only include directories that have one (list its files instead, or add one)`,
        );
      }
    }
  },
};
