import type { Diagnostic } from '../diagnostic.js';
import type { Summary } from '../lint.js';
import { digest, type Journal } from './journal.js';
import { readEntry, writeEntry } from './store.js';
import { toolId } from './tool-id.js';
import { Verifier } from './verify.js';

/*
 * The run-level cache entry, for the CLI's fast path: deciding a hit needs only node builtins and this module's
 * imports (no parser, no schemas, no rules), so an unchanged re-run costs little more than starting Node.
 */

/** A run's entry (the CLI's fast path): every fact the run depends on, its result, and how the CLI shows it. */
export interface RunEntry<Show = unknown> {
  journal: [string, string][];
  diagnostics: Diagnostic[];
  summary: Summary;
  /** What the CLI needs to print the result as the uncached run did (format, flags, rule metadata, version). */
  show: Show;
}

/** Environment variables lint-gitops reads: part of every key, though none is known to change a result. */
export function envKey(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(env).sort()) if (k.startsWith('LINT_GITOPS_')) out[k] = env[k]!;
  return out;
}

/** The key of a CLI run: the tool, where and how it was called (every argument, as given). */
export function runKey(cacheDir: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return digest(JSON.stringify({ tool: toolId(cacheDir), env: envKey(env), cwd, argv }));
}

/** Keeps a run's result for the CLI's fast path, unless the disk changed while it ran. */
export function saveRun<Show>(cacheDir: string, key: string, result: { diagnostics: Diagnostic[]; summary: Summary; journal: Journal }, show: Show): void {
  if (result.journal.conflict) return;
  const entry: RunEntry<Show> = { journal: [...result.journal.facts], diagnostics: result.diagnostics, summary: result.summary, show };
  writeEntry(cacheDir, 'run', key, entry);
}

/** A run's entry when every fact it depends on still holds. */
export function loadRun<Show>(cacheDir: string, key: string): RunEntry<Show> | undefined {
  const entry = readEntry<RunEntry<Show>>(cacheDir, 'run', key);
  if (!entry || !Array.isArray(entry.journal) || !Array.isArray(entry.diagnostics) || !entry.summary) return undefined;
  return new Verifier().holds(entry.journal) ? entry : undefined;
}
