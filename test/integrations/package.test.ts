import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { homepage, ruleHelpUri } from '../../src/report/links.js';
import { CLUSTER, REPO, fixtureCopy, lineOf, replaceOnce } from '../helpers.js';
import { installOffline, pack, type Packed } from './package.js';

/**
 * Ready to publish (issue 15, item 7): the package `npm pack` makes holds what it needs and nothing else, its
 * metadata is complete, and installed into an empty project its `npx lint-gitops` lints a copy of the fixture.
 */

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
let packed: Packed;
let installed: ReturnType<typeof installOffline>;

beforeAll(() => {
  packed = pack();
  installed = installOffline(packed.tarball);
  if ('skip' in installed) console.warn(`skipping the installed-package runs: ${installed.skip}`);
}, 300_000);

describe('the npm package', () => {
  it('holds the built command, its code caches, the schemas, README and LICENSE, and no sources or tests', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'config.schema.json', 'dist/bin/lint-gitops.js', 'dist/bin/fast.cjs', 'dist/bin/main.cjs', 'dist/bin/main.cjs.v8', 'dist/index.js', 'dist/index.d.ts']) {
      expect(packed.files, f).toContain(f);
    }
    expect(packed.files.some((f) => f.startsWith('schemas/'))).toBe(true);
    expect(packed.files.filter((f) => /^(src|test|fixtures|bench|scripts|\.github|node_modules)\//.test(f) || f.endsWith('.tgz') || /(?<!\.d)\.ts$/.test(f))).toEqual([]);
  });

  it('is Apache-2.0 with the license text, and says where it lives (one address: package.json repository)', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${homepage()}.git` });
    expect(homepage()).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    expect(pkg.homepage).toBe(`${homepage()}#readme`);
    expect(pkg.bugs).toEqual({ url: `${homepage()}/issues` });
    expect(ruleHelpUri('path-not-found')).toBe(`${homepage()}/blob/main/README.md#rules`);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['flux', 'gitops', 'kustomize', 'linter']));
  });

  it('is not committed: git ignores the tarball npm pack writes', () => {
    const r = spawnSync('git', ['-C', REPO, 'check-ignore', '-q', `lint-gitops-${pkg.version}.tgz`]);
    if (r.error || (r.status !== 0 && r.status !== 1)) return void console.warn('skipping the .gitignore check: not a git checkout');
    expect(r.status).toBe(0);
  });

  it('installed into an empty project, `npx lint-gitops` lints a copy of the fixture', (ctx) => {
    if ('skip' in installed) return ctx.skip();
    const { project } = installed;
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-cache-'));
    const npx = (args: string[]) => {
      const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--no-install', 'lint-gitops', ...args], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', LINT_GITOPS_CACHE_DIR: cache },
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    expect(npx(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const clean = fixtureCopy();
    expect(npx([path.join(clean, CLUSTER)])).toEqual({ code: 0, stdout: '✔ no problems (1 cluster, 66 files, 108 objects)\n', stderr: '' });
    const wrapper = `${CLUSTER}/apps/vault/kustomization.yaml`;
    const broken = fixtureCopy({ [wrapper]: replaceOnce('flux-apps/vault', 'flux-apps/vautl') });
    const r = npx([path.join(broken, CLUSTER), '--format', 'json', '--rule', 'unreferenced-file=off']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics.map((d: { ruleId: string; file: string; line: number }) => [d.ruleId, d.file, d.line])).toEqual([
      ['path-not-found', wrapper, lineOf(broken, wrapper, 'vautl')],
    ]);
    // The installed schemas and validators are the package's own: an unknown field is found.
    const typo = fixtureCopy({ 'flux-apps/grafana/release.yaml': replaceOnce('  interval: 30m', '  intervall: 30m') });
    expect(npx([path.join(typo, CLUSTER), '--format', 'json']).stdout).toContain("spec has unknown field 'intervall'; did you mean 'interval'?");
  });
});
