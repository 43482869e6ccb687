import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, CLUSTER, fixtureCopy, replaceOnce } from '../helpers.js';

/**
 * Every bundled kind ships precompiled, so a run whose CRDs are the bundled ones (or absent) never compiles a
 * schema, and ajv's compiler (about 40 ms to load) stays unloaded; only its small runtime helpers are used.
 */
function ajvFilesLoaded(args: string[], cwd: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-lazy-ajv-'));
  const preload = path.join(dir, 'preload.cjs');
  const log = path.join(dir, 'loaded.txt');
  fs.writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).filter((f) => /node_modules[\\\\/]ajv/.test(f)).join('\\n')));\n`,
  );
  const r = spawnSync(process.execPath, ['--require', preload, CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LINT_GITOPS_CACHE_DIR: path.join(dir, 'cache') } });
  expect(r.stderr).toBe('');
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((f) => f.split(path.sep).join('/').replace(/.*\/node_modules\//, ''));
}

const compiler = (files: string[]) => files.filter((f) => !/^ajv\/dist\/runtime\/|^ajv-formats\/dist\/formats\.js$/.test(f));

describe('ajv is loaded only to compile', () => {
  it('not for the clean fixture: every validator it needs is precompiled', () => {
    const repo = fixtureCopy();
    const loaded = ajvFilesLoaded([CLUSTER], repo);
    // (the runtime helpers show the validators did run)
    expect(loaded).toContain('ajv/dist/runtime/ucs2length.js');
    expect(compiler(loaded)).toEqual([]);
  });

  it('but for a CRD in the tree that differs from the bundled one', () => {
    const repo = fixtureCopy({
      // the HelmRelease CRD (the fixture has HelmReleases) with a longer spec.releaseName allowed
      'flux-clusters/stefanzhelev/flux-system/gotk-components.yaml': replaceOnce('maxLength: 53', 'maxLength: 54'),
    });
    expect(compiler(ajvFilesLoaded([CLUSTER], repo))).toContain('ajv/dist/ajv.js');
  });
});
