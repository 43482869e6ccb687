import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, CLUSTER, REPO, fixtureCopy, replaceOnce } from '../helpers.js';

/** Replaces child_process, net, dns, tls, http(s), fetch, module loading from the repo and file writes (see the file). */
const PRELOAD = pathToFileURL(path.join(REPO, 'test/security/sandbox-preload.mjs')).href;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sandboxed(args: string[], repo: string, allowWrite?: string): Run {
  const r = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      NO_COLOR: '1',
      SANDBOX_REPO: repo,
      SANDBOX_ALLOW_WRITE: allowWrite ?? '',
      LINT_GITOPS_CACHE_DIR: allowWrite ?? path.join(os.tmpdir(), 'lint-gitops-no-cache-expected'),
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every entry below a directory with its type, mode and content hash: any write, link or chmod changes it. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const st = fs.lstatSync(abs);
      const rel = path.relative(root, abs);
      if (st.isSymbolicLink()) out.push(`${rel} -> ${fs.readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        out.push(`${rel}/ ${st.mode}`);
        walk(abs);
      } else out.push(`${rel} ${st.mode} ${crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}

/**
 * A kustomize exec plugin (a generator run as a program) and a script beside it: kustomize with
 * --enable-alpha-plugins would run it; the linter must not.
 */
function withExecPlugin(repo: string): string {
  const dir = path.join(repo, 'flux-apps/vault');
  const marker = path.join(repo, 'PLUGIN-RAN');
  fs.writeFileSync(path.join(dir, 'plugin.sh'), `#!/bin/sh\ntouch '${marker}'\necho 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-plugin}'\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'plugin.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`);
  fs.writeFileSync(
    path.join(dir, 'generator.yaml'),
    'apiVersion: example.com/v1\nkind: Generator\nmetadata:\n  name: gen\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./plugin.sh\n',
  );
  fs.appendFileSync(path.join(dir, 'kustomization.yaml'), 'generators:\n  - generator.yaml\ntransformers:\n  - plugin.js\n');
  return marker;
}

describe('linting under a sandbox without processes, network or writes', () => {
  it('the stubs catch each thing they stand for (so a clean run below proves something)', () => {
    const repo = fixtureCopy();
    const allowed = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-allowed-'));
    fs.writeFileSync(path.join(repo, 'evil.mjs'), 'export default 1;\n');
    fs.writeFileSync(path.join(repo, 'evil.cjs'), 'module.exports = 1;\n');
    const q = JSON.stringify;
    // What each attempt must be reported as, and the attempt; all in one process, each caught so the next runs.
    const attempts: [string, string][] = [
      ['node:child_process.spawnSync', "(await import('node:child_process')).spawnSync('true')"],
      ['node:child_process.execFileSync', "require('child_process').execFileSync('true')"],
      ['fetch', "await fetch('https://example.com')"],
      ['node:net.connect', "(await import('node:net')).default.connect(443, 'example.com')"],
      ['net.Socket.connect', "new (await import('node:net')).Socket().connect(443, 'example.com')"],
      ['node:dns.lookup', "(await import('node:dns')).lookup('example.com', () => {})"],
      ['dns.promises.resolve4', "await (await import('node:dns')).promises.resolve4('example.com')"],
      ['node:https.get', "(await import('node:https')).get('https://example.com')"],
      ['node:tls.connect', "(await import('node:tls')).connect(443, 'example.com')"],
      [`fs.writeFileSync(${path.join(repo, 'x')})`, `(await import('node:fs')).writeFileSync(${q(path.join(repo, 'x'))}, 'x')`],
      [`fs.writeFileSync(${path.join(os.tmpdir(), 'lint-gitops-sandbox-x')})`, `(await import('node:fs')).writeFileSync(${q(path.join(os.tmpdir(), 'lint-gitops-sandbox-x'))}, 'x')`],
      [`fs.openSync(${path.join(repo, 'y')}, w)`, `(await import('node:fs')).openSync(${q(path.join(repo, 'y'))}, 'w')`],
      [`import of ${path.join(repo, 'evil.mjs')}`, `await import(${q(pathToFileURL(path.join(repo, 'evil.mjs')).href)})`],
      [`require of ${path.join(repo, 'evil.cjs')}`, `require(${q(path.join(repo, 'evil.cjs'))})`],
    ];
    const script = [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      ...attempts.map(([, code]) => `try { ${code}; } catch {}`),
      // A control: writing below the allowed directory is not a violation.
      `(await import('node:fs')).writeFileSync(${q(path.join(allowed, 'ok'))}, 'ok');`,
    ].join('\n');
    const r = sandboxed(['--input-type=module', '-e', script], repo, allowed);
    const reported = r.stderr.split('\n').filter((l) => l.startsWith('SANDBOX-VIOLATION: '));
    // Sorted: the module hooks run on their own thread, so their line may come out of order.
    const labels = (list: string[]) => [...new Set(list)].sort();
    expect(labels(reported.map((l) => l.slice('SANDBOX-VIOLATION: '.length)))).toEqual(labels(attempts.map(([label]) => label)));
    expect(fs.readFileSync(path.join(allowed, 'ok'), 'utf8')).toBe('ok');
    expect(fs.existsSync(path.join(repo, 'x'))).toBe(false);
  });

  it('lints the clean fixture: exit 0, no problems, nothing run, nothing sent, nothing written', () => {
    const repo = fixtureCopy();
    const before = snapshot(repo);
    // --no-cache: then nothing at all may be written, anywhere.
    const r = sandboxed([CLI, CLUSTER, '--no-cache'], repo);
    expect(r.stderr).not.toContain('SANDBOX-VIOLATION');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ no problems \(1 cluster, \d+ files, \d+ objects\)\n$/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('writes only below the cache directory when caching, and the cached run is the same', () => {
    const repo = fixtureCopy();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-cache-'));
    const before = snapshot(repo);
    const first = sandboxed([CLI, CLUSTER, '--format', 'json'], repo, cache);
    const second = sandboxed([CLI, CLUSTER, '--format', 'json'], repo, cache);
    for (const r of [first, second]) {
      expect(r.stderr).not.toContain('SANDBOX-VIOLATION');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).diagnostics).toEqual([]);
    }
    expect(second.stdout).toBe(first.stdout);
    expect(snapshot(repo)).toEqual(before);
  });

  it('never runs a kustomize exec plugin or loads a script from the repo, even when the build has findings', () => {
    const repo = fixtureCopy({
      [`${CLUSTER}/apps/vault/kustomization.yaml`]: replaceOnce('  - ../../../../flux-apps/vault', '  - ../../../../flux-apps/vault\n  - missing.yaml'),
      'flux-apps/airflow/kustomization.yaml': replaceOnce('  - release.yaml', '  - release.yaml\n  - https://example.com/remote.yaml'),
    });
    const marker = withExecPlugin(repo);
    const before = snapshot(repo);
    const r = sandboxed([CLI, CLUSTER, '--no-cache', '--format', 'json'], repo);
    expect(r.stderr).not.toContain('SANDBOX-VIOLATION');
    expect(r.code).toBe(1);
    const ids = (JSON.parse(r.stdout).diagnostics as { ruleId: string }[]).map((d) => d.ruleId);
    expect(ids).toContain('path-not-found');
    expect(ids).toContain('remote-resource');
    expect(fs.existsSync(marker)).toBe(false);
    expect(snapshot(repo)).toEqual(before);
  });
});
