import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint, type LintOptions } from '../src/index.js';
import type { Diagnostic } from '../src/model/diagnostic.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(REPO, 'fixtures');
export const CLUSTER = 'flux-clusters/stefanzhelev';
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const SHARED = path.resolve(REPO, '..', 'shared');

/**
 * A directory of ../shared (corpora, crds), or undefined when it is absent (a fresh clone has no ../shared), after
 * printing which tests skip for want of it: `describe.skipIf(!dir)` or a walk that leaves it out.
 */
export function sharedDir(sub: string, what: string): string | undefined {
  const dir = path.join(SHARED, sub);
  if (fs.existsSync(dir)) return dir;
  console.warn(`skipping ${what}: ${dir} is absent (../shared beside the repository)`);
  return undefined;
}

/** A mutation: a function of the file's text, new text, or null to delete the file. */
export type Mutation = ((text: string) => string) | string | null;

/**
 * Copies the clean fixture tree into a temporary directory and applies mutations, repo-relative.
 * A function mutation that changes nothing throws: a test must never pass because its edit missed.
 */
export function fixtureCopy(mutations: Record<string, Mutation> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-gitops-'));
  fs.cpSync(FIXTURES, root, { recursive: true });
  for (const [rel, m] of Object.entries(mutations)) {
    const file = path.join(root, rel);
    if (m === null) fs.rmSync(file, { recursive: true, force: true });
    else if (typeof m === 'string') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, m);
    } else {
      const before = fs.readFileSync(file, 'utf8');
      const after = m(before);
      if (after === before) throw new Error(`mutation of ${rel} changed nothing`);
      fs.writeFileSync(file, after);
    }
  }
  return root;
}

/** Replaces exactly one occurrence; throws when the text is absent or ambiguous. */
export function replaceOnce(from: string, to: string): (text: string) => string {
  return (text) => {
    const i = text.indexOf(from);
    if (i < 0) throw new Error(`text not found: ${from}`);
    if (text.indexOf(from, i + 1) >= 0) throw new Error(`text found twice: ${from}`);
    return text.slice(0, i) + to + text.slice(i + from.length);
  };
}

/** 1-based line of the first occurrence of `needle` in a repo file (after mutations). */
export function lineOf(root: string, rel: string, needle: string, nth = 1): number {
  const text = fs.readFileSync(path.join(root, rel), 'utf8');
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not found in ${rel}`);
  }
  return text.slice(0, at).split('\n').length;
}

export function lintTree(root: string, options: Partial<LintOptions> = {}) {
  return lint({ paths: [path.join(root, CLUSTER)], cwd: root, ...options });
}

/** The findings of one rule, as file/line/message, in output order. */
export function lintRule(root: string, ruleId: string, options: Partial<LintOptions> = {}) {
  return lintTree(root, options)
    .diagnostics.filter((d: Diagnostic) => d.ruleId === ruleId)
    .map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, message: d.message }));
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
