import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../helpers.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface Packed {
  /** The tarball's absolute path. */
  tarball: string;
  /** Paths in the tarball, as `npm pack --json` lists them. */
  files: string[];
}

/** `npm pack` of this repository (built by `npm test` first: the prepare script is not run again) into a temp dir. */
export function pack(): Packed {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-pack-'));
  const r = spawnSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path).sort() };
}

/**
 * Installs the tarball into an empty project, offline: a lockfile made of this repository's (the production
 * dependencies, with their integrity) lets `npm ci --offline` take every dependency from npm's cache, which the
 * repository's own `npm ci` filled. Where that cache lacks one, `npm install` may fetch it from the registry; when
 * neither works (offline, no cache) the reason is returned instead, for the caller to skip with.
 */
export function installOffline(tarball: string): { project: string; bin: string } | { skip: string } {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-installed-'));
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; dependencies: Record<string, string> };
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const spec = `file:${tarball}`;
  const manifest = { name: 'empty-project', version: '1.0.0', private: true, dependencies: { 'lint-gitops': spec } };
  const packages: Record<string, unknown> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    'node_modules/lint-gitops': {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[key] = entry;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2));
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const offline = spawnSync(npm, ['ci', '--offline'], { cwd: project, encoding: 'utf8', env });
  const bin = path.join(project, 'node_modules', '.bin', 'lint-gitops');
  if (offline.status === 0 && fs.existsSync(bin)) return { project, bin };
  const online = spawnSync(npm, ['install', '--prefer-offline'], { cwd: project, encoding: 'utf8', env, timeout: 120_000 });
  if (online.status === 0 && fs.existsSync(bin)) return { project, bin };
  return { skip: `the dependencies are neither in npm's cache nor reachable: ${(offline.stderr + online.stderr).trim().split('\n').slice(-2).join(' ')}` };
}
