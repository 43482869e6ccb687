import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasKubectl } from './helpers.js';

function kustomizationDirs(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...kustomizationDirs(p));
    else if (e.name === 'kustomization.yaml') out.push(dir);
  }
  return out;
}

// kubectl's built-in kustomize is the oracle that the clean fixture really builds; it is optional at runtime.
describe.skipIf(!hasKubectl())('the clean fixture builds with kubectl kustomize', () => {
  const dirs = kustomizationDirs(FIXTURES);
  it('has kustomization directories to build', () => expect(dirs.length).toBeGreaterThan(20));
  for (const dir of dirs) {
    it(path.relative(FIXTURES, dir), () => {
      expect(() => execFileSync('kubectl', ['kustomize', dir], { stdio: 'pipe' })).not.toThrow();
    });
  }
});
