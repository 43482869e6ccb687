import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, CLUSTER, REPO } from '../helpers.js';
import { commitTree, initRepo } from '../diff/git-history.js';
import { variantTrees } from '../diff/trees.js';
import { VARIANTS } from '../diff/variants.js';

/** test/security/sandbox-preload.mjs: programs, network and writes outside $SANDBOX_ALLOW_WRITE are violations. */
const PRELOAD = pathToFileURL(path.join(REPO, 'test/security/sandbox-preload.mjs')).href;

describe('diff --base under the sandbox', () => {
  it('reads the revision without running git, sends nothing, writes only its temporary checkout and removes it', async () => {
    const { base, head } = variantTrees(VARIANTS['a new app']);
    await initRepo(head);
    await commitTree(head, base, 'base');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-sandbox-tmp-'));
    const r = spawnSync(process.execPath, ['--import', PRELOAD, CLI, 'diff', CLUSTER, '--base', 'HEAD', '--no-cache', '--format', 'json'], {
      cwd: head,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', SANDBOX_REPO: head, SANDBOX_ALLOW_WRITE: tmp, TMPDIR: tmp, LINT_GITOPS_CACHE_DIR: path.join(tmp, 'cache') },
    });
    expect(r.stderr).not.toContain('SANDBOX-VIOLATION');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary.kustomizations).toEqual({ added: 1, removed: 0, changed: 1, unchanged: 12 });
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
