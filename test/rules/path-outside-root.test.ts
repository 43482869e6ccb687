import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER, fixtureCopy, lineOf, lintRule, replaceOnce } from '../helpers.js';

const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;

describe('path-outside-root', () => {
  it('reports a ../ chain that leaves the repo root', () => {
    const repo = fixtureCopy({ [wrapper]: replaceOnce('../../../../flux-apps/vault', '../../../../../outside/vault') });
    expect(lintRule(repo, 'path-outside-root')).toEqual([
      {
        file: wrapper,
        line: lineOf(repo, wrapper, 'outside/vault'),
        column: 5,
        severity: 'error',
        message: "resources entry '../../../../../outside/vault' points outside the repository root; Flux only sees files inside the source",
      },
    ]);
  });

  it('reports a symlink inside the repo that points outside it, and never reads through it', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-outside-'));
    fs.writeFileSync(path.join(outside, 'kustomization.yaml'), 'resources: [secret.yaml]\n');
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\nstringData: {password: hunter2}\n');
    const repo = fixtureCopy({ [wrapper]: replaceOnce('../../../../flux-apps/vault', 'linked') });
    fs.symlinkSync(outside, path.join(repo, CLUSTER, 'apps/vault/linked'));
    expect(lintRule(repo, 'path-outside-root')).toEqual([
      expect.objectContaining({ file: wrapper, line: lineOf(repo, wrapper, 'linked'), message: expect.stringContaining("resources entry 'linked' points outside") }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'path-outside-root')).toEqual([]);
  });
});
