import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureCopy, lineOf, lintRule } from '../helpers.js';

const base = 'flux-apps/vault/kustomization.yaml';
const addResource = (name: string) => (s: string) => s.replace('  - release.yaml', `  - release.yaml\n  - ${name}`);

describe('file-unreadable', () => {
  it('reports a binary file listed as a resource', () => {
    const repo = fixtureCopy({ [base]: addResource('blob.yaml') });
    fs.writeFileSync(path.join(repo, 'flux-apps/vault/blob.yaml'), Buffer.from([0x61, 0x00, 0x62, 0xff]));
    expect(lintRule(repo, 'file-unreadable')).toEqual([
      { file: 'flux-apps/vault/blob.yaml', line: 1, column: 1, severity: 'error', message: 'flux-apps/vault/blob.yaml is a binary file, not YAML' },
    ]);
  });

  it('reports a file that is not UTF-8', () => {
    const repo = fixtureCopy({ [base]: addResource('latin1.yaml') });
    fs.writeFileSync(path.join(repo, 'flux-apps/vault/latin1.yaml'), Buffer.from('kind: Caf\xe9\n', 'latin1'));
    expect(lintRule(repo, 'file-unreadable').map((d) => d.message)).toEqual(['flux-apps/vault/latin1.yaml is not valid UTF-8']);
  });

  it('reports a symlink loop instead of hanging', () => {
    const repo = fixtureCopy({ [base]: addResource('loop.yaml') });
    fs.symlinkSync('loop.yaml', path.join(repo, 'flux-apps/vault/loop.yaml'));
    expect(lintRule(repo, 'file-unreadable')).toEqual([
      expect.objectContaining({ file: base, line: lineOf(repo, base, 'loop.yaml'), message: "resources entry 'loop.yaml' cannot be read: a symlink loop, or a file the linter may not open" }),
    ]);
  });

  it('is silent on the clean fixture', () => {
    expect(lintRule(fixtureCopy(), 'file-unreadable')).toEqual([]);
  });
});
