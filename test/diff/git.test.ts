import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER, runCli } from '../helpers.js';
import { commitTree, initRepo, makeShallow, packAll, tag } from './git-history.js';
import { diffTrees, formats, variantTrees } from './trees.js';
import { VARIANTS } from './variants.js';

/**
 * A real history: the base committed, then the head committed on top, the working tree the head. The diff against
 * the base revision must be the diff against a checkout of it (test/diff/diff.test.ts), word for word, but for the
 * line that names the base.
 */
async function history(name: keyof typeof VARIANTS) {
  const { base, head } = variantTrees(VARIANTS[name]);
  await initRepo(head);
  const first = await commitTree(head, base, 'base');
  const second = await commitTree(head, head, 'head', 60);
  return { base, head, first, second };
}

const relabel = (out: string, from: string, to: string) => out.split(from).join(to);

describe('lint-gitops diff --base REF, read from a git history made with isomorphic-git (no git program)', () => {
  for (const name of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
    it(`${name}: the same as against a checkout of the base`, async () => {
      const { head, first } = await history(name);
      const fromDir = formats(await diffTrees(head, { dir: '../base' }));
      const fromGit = formats(await diffTrees(head, { ref: 'HEAD~1' }));
      const label = `HEAD~1 (${first.slice(0, 12)} "base")`;
      expect(fromGit.stylish).toBe(relabel(fromDir.stylish, '../base', label));
      expect(fromGit.markdown).toBe(relabel(fromDir.markdown, '`../base`', `\`${label}\``));
      const json = JSON.parse(fromGit.json);
      expect(json.base).toEqual({ ref: 'HEAD~1', commit: first, subject: 'base' });
      expect({ ...json, base: undefined }).toEqual({ ...JSON.parse(fromDir.json), base: undefined });
    });
  }

  it('names a revision as git does: branch, tag, full and abbreviated ids, ~N and ^N; HEAD itself is no change', async () => {
    const { head, first, second } = await history('a changed HelmRelease value');
    await tag(head, 'v1', first);
    const changedFiles = async (ref: string) => (await diffTrees(head, { ref })).files.map((f) => `${f.status} ${f.path}`);
    for (const ref of ['HEAD~1', 'HEAD^', 'HEAD^1', 'main~1', 'v1', first, first.slice(0, 7), `${second}~1`]) {
      expect(await changedFiles(ref), ref).toEqual(['modified flux-apps/grafana/release.yaml']);
    }
    expect(await changedFiles('HEAD')).toEqual([]);
    expect((await diffTrees(head, { ref: 'main' })).summary.clusters).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 1 });
    await expect(diffTrees(head, { ref: 'HEAD~2' })).rejects.toThrow(`--base HEAD~2: commit ${first.slice(0, 12)} has no parent`);
    await expect(diffTrees(head, { ref: 'nope' })).rejects.toThrow(`--base nope: no branch, tag or commit of that name in ${head}`);
  });

  it('reads objects from a packfile when the loose ones are gone', async () => {
    const { head } = await history('a moved wave');
    const loose = formats(await diffTrees(head, { ref: 'HEAD~1' }));
    const pack = await packAll(head);
    expect(fs.readdirSync(path.join(head, '.git/objects/pack')).sort()).toEqual([pack, pack.replace(/\.pack$/, '.idx')].sort());
    expect(fs.readdirSync(path.join(head, '.git/objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
    expect(formats(await diffTrees(head, { ref: 'HEAD~1' }))).toEqual(loose);
  });

  it('a shallow clone without the base revision is a usage error (exit 2) that names the fix', async () => {
    const { head, first, second } = await history('a changed HelmRelease value');
    makeShallow(head, second, [first]);
    const r = runCli(['diff', CLUSTER, '--base', 'HEAD~1', '--no-cache'], head);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'lint-gitops: --base HEAD~1: the clone is shallow and ends before it; fetch the history it needs (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`), or compare with a checkout of the base: --base-dir DIR\n',
    );
    expect(r.code).toBe(2);
    const missing = runCli(['diff', CLUSTER, '--base', 'origin/main', '--no-cache'], head);
    expect(missing.stderr).toBe(
      'lint-gitops: --base origin/main: not found in this clone, which is shallow (CI checks out one commit by default); fetch the history it needs (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`), or compare with a checkout of the base: --base-dir DIR\n',
    );
    expect(missing.code).toBe(2);
    const byId = runCli(['diff', CLUSTER, '--base', first, '--no-cache'], head);
    expect(byId.stderr).toBe(`lint-gitops: --base ${first}: commit ${first.slice(0, 12)} is not in this clone, which is shallow; fetch the history it needs (actions/checkout with \`fetch-depth: 0\`, or \`git fetch --unshallow\`), or compare with a checkout of the base: --base-dir DIR\n`);
    expect(byId.code).toBe(2);
  });

  it('writes nothing into the repository and leaves no temporary checkout behind', async () => {
    const { head } = await history('a new app');
    const snapshot = () => JSON.stringify(walkStat(head));
    const before = snapshot();
    const tmp = fs.mkdtempSync(path.join(head, '..', 'tmpdir-'));
    const r = runCli(['diff', CLUSTER, '--base', 'HEAD~1', '--no-cache', '--format', 'json'], head, { TMPDIR: tmp });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.objects).toEqual({ added: 4, removed: 0, changed: 0 });
    expect(snapshot()).toBe(before);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

function walkStat(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(`${p}/`, ...walkStat(p));
    else out.push(`${p} ${fs.statSync(p).size} ${fs.statSync(p).mtimeMs}`);
  }
  return out;
}
