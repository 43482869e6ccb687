// Loaded with `node --import` before the CLI: every way to run a program, reach the network or write a file
// (outside $SANDBOX_ALLOW_WRITE, the cache directory) is replaced by a stub that reports the attempt on stderr
// (so a swallowed exception is still seen) and throws. Modules may not be loaded from $SANDBOX_REPO either.
import { createRequire, register, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const allowWrite = process.env.SANDBOX_ALLOW_WRITE ? path.resolve(process.env.SANDBOX_ALLOW_WRITE) : undefined;
const stderrWrite = process.stderr.write.bind(process.stderr);

function violation(what) {
  const message = `SANDBOX-VIOLATION: ${what}`;
  stderrWrite(`${message}\n`);
  throw new Error(message);
}

function stubAll(modName, names) {
  const mod = require(modName);
  for (const name of names) {
    if (typeof mod[name] === 'function') mod[name] = () => violation(`${modName}.${name}`);
  }
  return mod;
}

stubAll('node:child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
const net = stubAll('node:net', ['connect', 'createConnection']);
net.Socket.prototype.connect = () => violation('net.Socket.connect');
const dns = stubAll('node:dns', ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveSrv', 'resolveTxt', 'reverse']);
for (const name of Object.keys(dns.promises)) if (typeof dns.promises[name] === 'function') dns.promises[name] = () => violation(`dns.promises.${name}`);
stubAll('node:tls', ['connect']);
stubAll('node:http', ['request', 'get']);
stubAll('node:https', ['request', 'get']);
stubAll('node:http2', ['connect']);
globalThis.fetch = () => violation('fetch');
if ('WebSocket' in globalThis) globalThis.WebSocket = function WebSocket() { violation('WebSocket'); };

// Writes: allowed only below the cache directory.
const fs = require('node:fs');
const writable = (p) => {
  if (typeof p !== 'string' && !(p instanceof URL) && !Buffer.isBuffer(p)) return true; // a file descriptor
  const abs = path.resolve(p instanceof URL ? new URL(p).pathname : String(p));
  return allowWrite !== undefined && (abs === allowWrite || abs.startsWith(allowWrite + path.sep));
};
const guardPath = (obj, label, name, argIndexes = [0]) => {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function guarded(...args) {
    for (const i of argIndexes) if (!writable(args[i])) violation(`${label}.${name}(${String(args[i])})`);
    return orig.apply(this, args);
  };
};
const WRITES = ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'truncate', 'truncateSync', 'chmod', 'chmodSync', 'chown', 'chownSync', 'utimes', 'utimesSync', 'createWriteStream'];
for (const name of WRITES) guardPath(fs, 'fs', name);
// The second argument is what these create.
for (const name of ['rename', 'renameSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'symlink', 'symlinkSync', 'link', 'linkSync']) guardPath(fs, 'fs', name, [1]);
for (const name of ['writeFile', 'appendFile', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink', 'truncate', 'chmod', 'chown', 'utimes', 'rename', 'copyFile', 'cp', 'symlink', 'link']) {
  guardPath(fs.promises, 'fs.promises', name, ['rename', 'copyFile', 'cp', 'symlink', 'link'].includes(name) ? [1] : [0]);
}
const WRITE_FLAGS = /[wa+]/;
for (const [obj, label] of [[fs, 'fs'], [fs.promises, 'fs.promises']]) {
  for (const name of ['open', 'openSync']) {
    const orig = obj[name];
    if (typeof orig !== 'function') continue;
    obj[name] = function guardedOpen(p, flags, ...rest) {
      const f = typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR) ? 'w' : 'r') : String(flags ?? 'r');
      if (WRITE_FLAGS.test(f) && !writable(p)) violation(`${label}.${name}(${String(p)}, ${f})`);
      return orig.call(this, p, flags, ...rest);
    };
  }
}
syncBuiltinESMExports();

// No module from the repository being linted, by import (loader hooks) or by require.
if (process.env.SANDBOX_REPO) {
  const repo = path.resolve(process.env.SANDBOX_REPO);
  register(new URL('./sandbox-hooks.mjs', import.meta.url), { data: { repo } });
  const Module = require('node:module');
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function guardedResolve(...args) {
    const file = resolveFilename.apply(this, args);
    if (typeof file === 'string' && (file === repo || file.startsWith(repo + path.sep))) violation(`require of ${file}`);
    return file;
  };
}
